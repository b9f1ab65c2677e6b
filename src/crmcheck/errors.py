"""Domain errors carrying file positions, and the exit codes they map to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1  # a check rule broke, or a regression was found
EXIT_INPUT = 2  # usage error or bad input
EXIT_INTERNAL = 3  # a bug
EXIT_INTERRUPTED = 130
MAX_PROBLEMS_SHOWN = 50  # per error; the rest are counted in one closing line (DESIGN.md: Reliability rules)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, at one place."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column or 1}: {self.message}"


class CrmcheckError(Exception):
    """Base of every error the tool reports to its user; never a bug."""

    exit_code = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        problems: list[Problem] | None = None,
        more: int = 0,
    ) -> None:
        found = problems or [Problem(message, file, line, column)]
        self.problems = found[:MAX_PROBLEMS_SHOWN]
        self.more = more + len(found) - len(self.problems)  # problems found but not kept
        super().__init__(str(self.problems[0]))

    def lines(self) -> list[str]:
        """One line per problem kept, and one closing line with the number of the others."""
        lines = [str(p) for p in self.problems]
        if self.more:
            where = self.problems[0].file
            lines.append(f"... and {self.more:,} more problem{'s' if self.more > 1 else ''}"
                         + (f" in {where}" if where else ""))
        return lines


class InputError(CrmcheckError):
    """A file is missing, unreadable, malformed or inconsistent."""


class UsageError(CrmcheckError):
    """The command line asks for something that cannot be done."""


class Interrupted(CrmcheckError):
    """The user stopped the program; what was done is saved."""

    exit_code = EXIT_INTERRUPTED
