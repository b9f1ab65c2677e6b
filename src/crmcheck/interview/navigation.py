"""Moving about an interview: the next open question, the `g` list of sections and where a `g` reply leads."""

from __future__ import annotations

from crmcheck.interview.base import Item, SessionBase
from crmcheck.interview.replies import clean_text
from crmcheck.interview.terminal import wrap

SECTION_ROWS = 20  # `g` lists sections a screen at a time: 20 rows and the prompt fit a 24-row terminal


class NavigationSteps(SessionBase):
    """The interview's navigation: which question comes next, and the `g` key."""

    def _next_open(self, index: int) -> int:
        """The next unanswered question after `index` (answered ones are passed over), or the end.

        Answered questions are reached on purpose only, with `b` or `g`; an interview never walks
        through them on its own, which matters most after a resume. When none is open after `index`
        (a `g` jumped ahead), the first one left open before it comes next; questions skipped with `s`
        in this session are not offered again.
        """
        open_ = [i for i, item in enumerate(self.items)
                 if i != index and i not in self.passed and not item.state.answered(item.full_id)]
        return next((i for i in open_ if i > index), open_[0] if open_ else len(self.items))

    def _sections(self) -> list[tuple[int, Item]]:
        """Each section asked, as (number, its first item)."""
        firsts: dict[int, Item] = {}
        for item in self.items:
            firsts.setdefault(item.section_number, item)
        return list(firsts.items())

    def _find(self, where: str) -> int | None:
        """The index a `g` reply names: a section's number or id (its first question), or a question id."""
        where = where.strip()
        for i, item in enumerate(self.items):
            if where in (str(item.section_number), item.section.id, f"{item.questionnaire.id}:{item.section.id}"):
                return i
        for i, item in enumerate(self.items):
            if where in (item.full_id, f"{item.questionnaire.id}:{item.full_id}"):
                return i
        return None

    def _go_to(self, where: str) -> int | None:
        """Where `g` (with or without a section) leads; None stays at the question (after saying why)."""
        if not where:
            several = len(self.asked) > 1
            pages = self._section_pages(several)
            for n, page in enumerate(pages):
                for number, line in page:
                    self.say(line, "", indent=f"  {number:>2}  ", subsequent=" " * 6)
                left = sum(len(p) for p in pages[n + 1:])
                if left:
                    where = clean_text(self.ask(f"Go to section (its number or id; Enter shows {left} more; "
                                                "- stays here): "))
                    if where == "-":
                        return None
                    if where:
                        break
                else:
                    where = clean_text(self.ask("Go to section (its number or id; Enter stays here): "))
            if not where:
                return None
        found = self._find(where)
        if found is None:
            self.say(f"'{where}' is not a section or question of this interview; type g alone to list the "
                     "sections.", "error")
        return found

    def _section_pages(self, several: bool) -> list[list[tuple[int, str]]]:
        """The `g` list of sections, (number, line) each, in pages of at most SECTION_ROWS screen rows."""
        pages: list[list[tuple[int, str]]] = [[]]
        rows = 0
        for number, first in self._sections():
            in_section = [it for it in self.items if it.section_number == number]
            done = sum(1 for it in in_section if it.state.answered(it.full_id))
            name = f"{first.questionnaire.id}:{first.section.id}" if several else first.section.id
            line = f"{name} · {first.section.title} ({done} of {len(in_section)} answered)"
            height = len(wrap(line, self.terminal.width, "      ", "      "))
            if rows and rows + height > SECTION_ROWS:
                pages.append([])
                rows = 0
            pages[-1].append((number, line))
            rows += height
        return pages

