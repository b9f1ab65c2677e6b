"""The combination matrix: every built-in questionnaire × every command × every format × several respondents.

The questionnaires come from `crmcheck list --format json`, so a new built-in is covered without editing
this file. For each, hypothesis makes several respondents with random valid answers of every question type
(values, n/a with and without a reason, blanks, notes and evidence; both lenses where the questionnaire
has lenses), and every command runs on them. The numbers (per-question means, section and questionnaire
scores, perception gaps) are recomputed here from the questionnaire's YAML, read with plain
`yaml.safe_load`, and compared with the JSON report. Stages reached are not recomputed here (the stage
rule is tested in test_scoring.py); section scores of staged questionnaires are.

Commands run in this process (tests/inprocess.py) to keep the file fast; one test runs every command
through the real console script.
"""

from __future__ import annotations

import csv
import json
import math
import os
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli
from tests.inprocess import Run, invoke

COMPANY = "Matrix Co"
DATE = "2026-11-02"
BASELINE_DATE = "2025-11-03"
TODAY = "2026-11-28"
FORMATS = ("terminal", "markdown", "html", "json", "junit", "xlsx")
NOT_APPLICABLE_CELL = "n/a"
UNKNOWN = "unknown"  # the answer to a number question with unknown_scores that nobody knows

BUILT_INS = [entry for entry in json.loads(invoke("list", "--format", "json").out) if entry["origin"] == "built-in"]
# A few examples each (CRMCHECK_MATRIX_EXAMPLES=50 for a longer hunt): every one runs some twenty commands.
# No shrinking: a failing example would be re-run hundreds of times at that cost; the failure shows it as drawn.
MATRIX = settings(max_examples=int(os.environ.get("CRMCHECK_MATRIX_EXAMPLES", "4")), deadline=None, database=None,
                  phases=[Phase.explicit, Phase.reuse, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                         HealthCheck.data_too_large])


def test_the_matrix_covers_every_built_in() -> None:
    assert len(BUILT_INS) >= 4
    assert {"crm-mistakes", "cmr-pitfalls", "revenue-marketing", "perception-gap"} <= {e["id"] for e in BUILT_INS}


# ---------- the questionnaire, as plain YAML ----------

@dataclass(frozen=True)
class Q:
    """One question of the YAML, with what scoring needs."""

    full: str
    section: str
    data: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.data["type"])

    @property
    def weight(self) -> Fraction:
        return Fraction(str(self.data.get("weight", 1)))

    @property
    def options(self) -> list[dict[str, Any]]:
        return list(self.data.get("options") or [])

    def asked_in(self, *lenses: str) -> bool:
        """Whether every lens given is asked the question (a question's own `lenses`, else all of them)."""
        return all(lens in self.data.get("lenses", [lens]) for lens in lenses)

    @property
    def scored(self) -> bool:
        if self.type == "text" or self.data.get("scored") is False:
            return False
        return not (self.type == "choice" and any("score" not in o for o in self.options))


@dataclass
class Spec:
    """A questionnaire read from its YAML file, independently of crmcheck's models."""

    id: str
    data: dict[str, Any]
    questions: list[Q] = field(default_factory=list)

    @classmethod
    def read(cls, path: str) -> Spec:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        spec = cls(str(data["id"]), data)
        for section in data["sections"]:
            for question in section["questions"]:
                spec.questions.append(Q(f"{section['id']}.{question['id']}", str(section["id"]), question))
        return spec

    @property
    def lenses(self) -> list[str]:
        return list(self.data.get("lenses") or ["company"])

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(self.data["sections"])

    def score(self, question: Q, value: Any) -> Fraction | None:
        """A question's score in [0, 1] for an answer value, as DESIGN.md defines it; None when not scored."""
        if not question.scored:
            return None
        kind = question.type
        if kind == "scale":
            [level] = [lv for lv in self.data["scales"][question.data["scale"]] if lv["value"] == value]
            score = Fraction(str(level["score"]))
            return 1 - score if question.data.get("reverse_scored") else score  # keyed negatively
        if kind == "yes_no":
            return Fraction(1 if value else 0)
        if kind == "choice":
            [option] = [o for o in question.options if o["id"] == value]
            return Fraction(str(option["score"]))
        if kind == "checklist":
            weights = {o["id"]: Fraction(str(o.get("weight", 1))) for o in question.options}
            return sum((weights[v] for v in value), Fraction(0)) / sum(weights.values())
        assert kind == "number"
        if value == UNKNOWN:
            return Fraction(str(question.data["unknown_scores"]))
        number = Fraction(str(value))
        below = [b for b in question.data["bands"] if Fraction(str(b["min"])) <= number]
        return Fraction(str(max(below, key=lambda b: Fraction(str(b["min"])))["score"]))


def _mean(pairs: Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    pairs = list(pairs)
    total = sum((w for w, _ in pairs), Fraction(0))
    return sum((w * x for w, x in pairs), Fraction(0)) / total if total else None


def _shown(score: Fraction | None) -> float | None:
    """A 0-100 score as every report shows it: one decimal, halves up."""
    return None if score is None else math.floor(score * 10 + Fraction(1, 2)) / 10


# ---------- respondents ----------

@dataclass
class Respondent:
    """One generated answers file: its lens and its answer entries (full id -> value or mapping)."""

    key: str
    lens: str
    answers: dict[str, Any]

    def value(self, full: str) -> Any:
        """The answer's value as written, or None when the question is left blank."""
        entry = self.answers.get(full)
        return entry.get("value") if isinstance(entry, dict) else entry

    def document(self, qid: str, date: str = DATE) -> dict[str, Any]:
        return {"format": 1, "company": COMPANY, "assessed_on": date,
                "respondent": {"name": f"Person {self.key}", "lens": self.lens},
                "questionnaires": {qid: {"answers": self.answers}}}


TEXT = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ABC0123456789#:-\"',;|&<>*_é€\u2028"),
               min_size=1, max_size=24).map(str.strip).filter(lambda t: t and t.lower() not in ("na", "n/a", "n a"))
NOTE = st.one_of(st.none(), TEXT)


def _number_values(question: Q) -> st.SearchStrategy[Any]:
    mins = [b["min"] for b in question.data["bands"]]
    low = question.data.get("min", mins[0])
    high = question.data.get("max", 100 if question.data.get("unit") == "%" else max(mins) * 2 + 10)
    edges = [m for m in mins if low <= m <= high]
    numbers = st.one_of(st.sampled_from(edges or [low]), st.integers(math.ceil(low), math.floor(high)),
                        st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False).map(float))
    if "unknown_scores" in question.data:
        return st.one_of(numbers, st.just(UNKNOWN))
    return numbers


def _values(spec: Spec, question: Q) -> st.SearchStrategy[Any]:
    kind = question.type
    if kind == "scale":
        return st.sampled_from([lv["value"] for lv in spec.data["scales"][question.data["scale"]]])
    if kind == "yes_no":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([o["id"] for o in question.options])
    if kind == "checklist":
        return st.lists(st.sampled_from([o["id"] for o in question.options]), unique=True)
    if kind == "number":
        return _number_values(question)
    return TEXT


@st.composite
def _answers(draw: st.DrawFn, spec: Spec, lens: str) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in spec.questions:
        if not question.asked_in(lens):
            continue  # a respondent of this lens is never asked it
        how = draw(st.sampled_from(["value", "value", "value", "value", "noted", "n/a", "n/a-reason", "blank",
                                    "missing"]))
        if how == "missing":
            continue
        if how == "blank":
            answers[question.full] = None
        elif how == "n/a":
            answers[question.full] = "n/a"
        elif how == "n/a-reason":
            answers[question.full] = {"value": "n/a", "reason": draw(TEXT)}
        elif how == "noted":
            entry = {"value": draw(_values(spec, question)), "note": draw(NOTE), "evidence": draw(NOTE)}
            answers[question.full] = {k: v for k, v in entry.items() if v is not None}
        else:
            answers[question.full] = draw(_values(spec, question))
    return answers


@st.composite
def respondents(draw: st.DrawFn, spec: Spec) -> tuple[list[Respondent], Respondent]:
    """Two to four respondents (both lenses where there are two), and a baseline in the first one's lens."""
    lenses = spec.lenses
    count = draw(st.integers(2, 4))
    chosen = [lenses[i % len(lenses)] if i < len(lenses) else draw(st.sampled_from(lenses)) for i in range(count)]
    people = [Respondent(f"r{i + 1}", lens, draw(_answers(spec, lens))) for i, lens in enumerate(chosen)]
    return people, Respondent("baseline", people[0].lens, draw(_answers(spec, people[0].lens)))


# ---------- the expected numbers ----------

@dataclass
class Expected:
    """The numbers of one questionnaire through one lens: per-question means and section scores (0-100)."""

    questions: dict[str, tuple[Fraction | None, int]]  # full id -> (mean score 0..1, scored respondents)
    sections: dict[str, Fraction | None]
    overall: Fraction | None
    # answered cells and asked cells (respondents × scored questions, less n/a cells): section id or None -> counts
    cells: dict[str | None, tuple[int, int]] = field(default_factory=dict)

    def completeness(self, section: str | None) -> float:
        answered, asked = self.cells[section]
        return round(answered / asked if asked else 1.0, 3)

    def provisional(self, section: str | None) -> bool:
        """Under half the asked cells answered (with something answered), compared in whole numbers."""
        answered, asked = self.cells[section]
        return answered > 0 and Fraction(answered, asked) < Fraction(1, 2)


def expected(spec: Spec, people: list[Respondent], *lenses: str) -> Expected:
    """The numbers over the questions every lens given is asked (the people's own lens; both for the gap)."""
    lenses = lenses or (people[0].lens if people else "company",)
    questions: dict[str, tuple[Fraction | None, int]] = {}
    for question in spec.questions:
        if not question.asked_in(*lenses):
            continue
        scores = []
        for person in people:
            value = person.value(question.full)
            if value is not None and value != "n/a":
                score = spec.score(question, value)
                if score is not None:
                    scores.append(score)
        questions[question.full] = (sum(scores, Fraction(0)) / len(scores) if scores else None, len(scores))
    sections: dict[str, Fraction | None] = {}
    for section in spec.sections:
        pairs = [(q.weight, questions[q.full][0]) for q in spec.questions if q.section == section["id"]
                 and q.scored and q.full in questions and questions[q.full][0] is not None]
        mean = _mean((w, s) for w, s in pairs if s is not None)
        sections[str(section["id"])] = None if mean is None else 100 * mean
    overall = _mean((Fraction(str(s.get("weight", 1))), sections[str(s["id"])] or Fraction(0))
                    for s in spec.sections if sections[str(s["id"])] is not None)
    cells: dict[str | None, tuple[int, int]] = {}
    for section_id in [*(str(s["id"]) for s in spec.sections), None]:
        values = [person.value(q.full) for q in spec.questions if q.scored and section_id in (None, q.section)
                  and q.asked_in(*lenses) for person in people]
        cells[section_id] = (sum(v not in (None, "n/a") for v in values), sum(v != "n/a" for v in values))
    return Expected(questions, sections, overall, cells)


def assert_numbers(result: dict[str, Any], want: Expected, *, several: bool) -> None:
    """The JSON report of one questionnaire (one lens) against the recomputed numbers."""
    assert result["score"] == _shown(want.overall), result["id"]
    # completeness over every respondent's cells: one who stopped early counts for each question left blank
    assert (result["completeness"], result["provisional"]) == (want.completeness(None), want.provisional(None))
    for section in result["sections"]:
        assert section["score"] == _shown(want.sections[section["id"]]), section["id"]
        assert (section["completeness"], section["provisional"]) == (
            want.completeness(section["id"]), want.provisional(section["id"])), section["id"]
        for question in section["questions"]:
            mean, count = want.questions[question["id"]]
            if mean is None:
                assert question["score"] is None, question["id"]
                continue
            # question scores round half to even (Python's round) where section scores round halves up
            assert question["score"] is not None and abs(question["score"] - float(100 * mean)) <= 0.05 + 1e-9, (
                question["id"], question["score"], float(100 * mean))
            if several:
                assert question["respondents"] == count, question["id"]


def assert_anchors_and_not_known(spec: Spec, person: Respondent, data: dict[str, Any], markdown: str) -> None:
    """One respondent's report: every anchor of the YAML in the JSON and the markdown appendix, and every
    `unknown` answer shown as "not known"."""
    shown = {q["id"]: q for result in data["questionnaires"] for s in result["sections"] for q in s["questions"]}
    anchored = [q for q in spec.questions if q.data.get("anchors")]
    for question in anchored:
        assert sorted(shown[question.full]["anchors"].values()) == sorted(question.data["anchors"].values()), (
            question.full)
    if anchored:
        appendix = markdown[markdown.index("## Appendix: what each answer looks like"):]
        appendix = appendix[:appendix.index("\n## ", 1)] if "\n## " in appendix[1:] else appendix
        assert sum(line.startswith("  - **") for line in appendix.splitlines()) == sum(
            len(q.data["anchors"]) for q in anchored)
    for question in spec.questions:
        if question.type == "number" and person.value(question.full) == UNKNOWN:  # not a choice option `unknown`
            assert shown[question.full]["answer"] == "not known", question.full


def assert_report(data: dict[str, Any], spec: Spec, people: list[Respondent]) -> None:
    """A report of several respondents: one result per lens answered, and the perception gap between lenses."""
    lenses = [lens for lens in ("company", "customer") if any(p.lens == lens for p in people)]
    several = len(people) > 1
    results = {q["lens"] if several else "company": q for q in data["questionnaires"] if q["id"] == spec.id}
    assert sorted(results) == sorted(lenses if several else ["company"])
    wants = {lens: expected(spec, [p for p in people if p.lens == lens], lens) for lens in lenses}
    for lens, result in results.items():
        assert_numbers(result, wants[lens if several else people[0].lens], several=several)
        if several:
            assert result["respondents"] == sum(p.lens == lens for p in people)
    if several and len(lenses) == 2:
        [gap] = [g for g in data["perception_gaps"] if g["questionnaire"] == spec.id]
        # the company side of the gap rests on the questions customers are asked too
        shared = expected(spec, [p for p in people if p.lens == "company"], "company", "customer")
        for line in gap["sections"]:
            company, customer = _shown(shared.sections[line["id"]]), _shown(wants["customer"].sections[line["id"]])
            assert (line["company"], line["customer"]) == (company, customer)
            assert line["gap"] == (None if company is None or customer is None else round(company - customer, 1))
    else:
        assert data["perception_gaps"] == []


def has_an_answer(spec: Spec, person: Respondent) -> bool:
    return any(person.value(q.full) not in (None, "n/a") and q.scored for q in spec.questions)


# ---------- writing the inputs ----------

def write_answers(path: Path, person: Respondent, qid: str, date: str = DATE) -> Path:
    # JSON is YAML 1.2: an independent writer, so the files under test are not made by crmcheck itself
    path.write_text(json.dumps(person.document(qid, date), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def csv_cell(question: Q, value: Any) -> str:
    if value is None:
        return ""
    if value == "n/a":
        return NOT_APPLICABLE_CELL
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "checklist":
        return "; ".join(value)
    return str(value)


def csv_view(spec: Spec, person: Respondent) -> Respondent:
    """What a survey row can carry of an answers file: values only, and an empty checklist is a blank cell."""
    answers: dict[str, Any] = {}
    for question in spec.questions:
        value = person.value(question.full)
        if value is not None and not (question.type == "checklist" and value == []):
            answers[question.full] = value
    return Respondent(person.key, person.lens, answers)


def write_survey(path: Path, spec: Spec, people: list[Respondent]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Name", *(q.full for q in spec.questions)])
        for person in people:
            writer.writerow([person.key, f"Person {person.key}",
                             *(csv_cell(q, person.value(q.full)) for q in spec.questions)])
    return path


# ---------- running the commands ----------

def check_output(fmt: str, run: Run, out: Path | None) -> None:
    assert run.code == 0, (fmt, run.err)
    if fmt == "xlsx":
        assert out is not None
        with zipfile.ZipFile(out) as book:
            assert "xl/workbook.xml" in book.namelist()
        return
    text = run.out
    assert text.strip(), fmt
    if fmt == "junit":
        root = ET.fromstring(text)
        assert root.tag in ("testsuites", "testsuite")
    elif fmt == "html":
        assert "<html" in text.lower() and "</html>" in text.lower()
    elif fmt == "json":
        json.loads(text)


def report_in_every_format(target: Path, work: Path, *extra: str | Path) -> tuple[dict[str, Any], str]:
    """The JSON report and the markdown one, after every format ran."""
    data: dict[str, Any] = {}
    markdown = ""
    for fmt in FORMATS:
        out = work / f"{target.name}.xlsx" if fmt == "xlsx" else None
        run = invoke("report", target, "--format", fmt, *(("-o", out) if out else ()), *extra)
        check_output(fmt, run, out)
        if fmt == "json":
            data = json.loads(run.out)
        if fmt == "markdown":
            markdown = run.out
    return data, markdown


def plan_in_every_format(old: Path, new: Path, work: Path) -> None:
    """A plan made from the baseline, read beside the newer assessment in every report format, by compare and
    by check. Its actions and their gaps are worked out here from the two JSON reports, not from the plan."""
    plan = work / "plan.yaml"
    run = invoke("plan", old, "-o", plan)
    assert run.code == 0, run.err
    before = json.loads(invoke("report", old, "--format", "json").out)
    wanted = {f"{q['id']}.{r['question']}": (q["id"], r["section"], r["question"])
              for q in before["questionnaires"] for r in q["recommendations"]}
    actions = yaml.safe_load(plan.read_text(encoding="utf-8"))["actions"] or []
    assert {a["id"] for a in actions} == set(wanted) and len(actions) == len(wanted)
    texts: dict[str, str] = {}
    data: dict[str, Any] = {}
    for fmt in FORMATS:
        out = work / "plan-report.xlsx" if fmt == "xlsx" else None
        run = invoke("report", new, "--plan", plan, "--today", TODAY, "--format", fmt, *(("-o", out) if out else ()))
        check_output(fmt, run, out)
        texts[fmt] = run.out
        if fmt == "json":
            data = json.loads(run.out)
    recommended = {(q["id"], r["question"]) for q in data["questionnaires"] for r in q["recommendations"]}
    status = {(q["id"], qr["id"]): qr["status"] for q in data["questionnaires"] for s in q["sections"]
              for qr in s["questions"]}
    shown = {a["id"]: (q["id"], s["id"], a["gap"]) for q in data["questionnaires"] for s in q["sections"]
             for a in s["actions"]}
    assert set(shown) == set(wanted)
    for ident, (qid, section, question) in wanted.items():
        gap = ("not assessed" if status[(qid, question)] == "unanswered" else
               "open" if (qid, question) in recommended else "closed")
        assert shown[ident] == (qid, section, gap), ident
    for fmt in ("markdown", "html"):
        assert all(ident in texts[fmt] for ident in wanted), fmt
    from openpyxl import load_workbook

    rows = list(load_workbook(work / "plan-report.xlsx")["Plan"].values)
    assert {row[2] for row in rows[1:]} == set(wanted)
    run = invoke("compare", old, new, "--plan", plan, "--format", "json")
    assert run.code == 0, run.err
    for effect in json.loads(run.out)["plan_effects"]:
        mine = [w for w in wanted.values() if (w[0], w[1]) == (effect["questionnaire"], effect["section"])]
        assert (effect["actions"], effect["done"]) == (len(mine), 0), effect
    run = invoke("check", new, "--plan", plan, "--today", TODAY, "--format", "json")
    if run.code != 2:  # 2: nothing answered at all in the newer file is its own finding, tested elsewhere
        outcomes = [o for o in json.loads(run.out)["outcomes"] if o["rule"] == "no-overdue-actions"]
        assert [o["status"] for o in outcomes] == ["skipped"]  # a new plan has no due dates: nothing is owed


def run_matrix(spec: Spec, people: list[Respondent], baseline: Respondent, work: Path) -> None:
    answers_dir = work / "answers"
    answers_dir.mkdir()
    files = [write_answers(answers_dir / f"{p.key}.yaml", p, spec.id) for p in people]
    old = write_answers(work / "baseline.yaml", baseline, spec.id, BASELINE_DATE)

    run = invoke("validate", *files, old)
    assert run.code == 0, run.err
    assert run.err.count(": ok,") + run.out.count(": ok,") == len(files) + 1, run.out + run.err

    # one file, then the directory of all of them
    one, markdown = report_in_every_format(files[0], work)
    assert_report(one, spec, people[:1])
    assert_anchors_and_not_known(spec, people[0], one, markdown)
    assert_report(report_in_every_format(answers_dir, work)[0], spec, people)
    run = invoke("report", answers_dir, "--format", "json", "--show-respondents")
    assert run.code == 0, run.err
    for result in json.loads(run.out)["questionnaires"]:
        in_lens = [p for p in people if p.lens == result["lens"]]
        for section in result["sections"]:
            for question in section["questions"]:
                # each respondent who gave an answer (n/a included) is listed, in file order
                given_by = [f"Person {p.key}" for p in in_lens if p.value(question["id"]) is not None]
                assert [a["respondent"] for a in question["individual"]] == given_by, question["id"]

    # compare: the baseline against the first respondent, section by section
    run = invoke("compare", old, files[0], "--format", "json")
    assert run.code == 0, run.err
    [compared] = json.loads(run.out)["questionnaires"]
    before, after = expected(spec, [baseline]), expected(spec, people[:1])
    for section in compared["sections"]:
        assert (section["score_before"], section["score_after"]) == (
            _shown(before.sections[section["id"]]), _shown(after.sections[section["id"]])), section["id"]
    assert (compared["score_before"], compared["score_after"]) == (_shown(before.overall), _shown(after.overall))

    # check against the baseline under the default policy
    run = invoke("check", files[0], "--baseline", old, "--today", TODAY, "--format", "json")
    if not has_an_answer(spec, baseline):
        assert run.code == 2, run.err  # a baseline that assessed nothing is a bad baseline
    else:
        assert run.code in (0, 1), run.err
        outcomes = json.loads(run.out)["outcomes"]
        assert run.code == (1 if any(o["status"] == "broken" for o in outcomes) else 0)

    plan_in_every_format(old, files[0], work)

    # import a survey export of the same answers, one per lens, and report it
    imported = work / "imported"
    rows = [csv_view(spec, p) for p in people]
    for lens in dict.fromkeys(p.lens for p in people):
        in_lens = [r for r in rows if r.lens == lens]
        survey = write_survey(work / f"{lens}.csv", spec, in_lens)
        run = invoke("import", survey, "--questionnaire", spec.id, "--lens", lens, "--company", COMPANY,
                     "--date", DATE, "--delimiter", ",", "-o", imported)
        if not any(r.answers for r in in_lens):
            assert run.code == 2 and "no respondent to import" in run.err, run.err
            continue
        assert run.code == 0, run.err
    kept = [r for r in rows if r.answers]
    if kept:
        run = invoke("report", imported, "--format", "json")
        assert run.code == 0, run.err
        assert_report(json.loads(run.out), spec, kept)

    measure_against(spec, people[0], work)

    # a blank answers file to fill in: every question, none answered
    blank = work / "new.yaml"
    run = invoke("new", spec.id, "--company", COMPANY, "--date", DATE, "-o", blank)
    assert run.code == 0, run.err
    run = invoke("validate", blank)
    assert run.code == 0, run.err
    written = yaml.safe_load(blank.read_text(encoding="utf-8"))["questionnaires"][spec.id]["answers"]
    assert list(written) == [q.full for q in spec.questions]
    assert all(v is None for v in written.values())
    text = blank.read_text(encoding="utf-8")
    assert text.count("# what each answer looks like here:") == sum(bool(q.data.get("anchors"))
                                                                    for q in spec.questions)


def measure_against(spec: Spec, person: Respondent, work: Path) -> None:
    """`measure --answers --write` on the respondent's file, then the report in every format: blank measured
    questions are filled with the measured value, answers beyond the tolerance are contradicted by data."""
    from crmcheck.measure.catalog import METRICS
    from tests.test_measure import table_args, write_exports

    measured_questions = [q for q in spec.questions if q.data.get("measure")]
    if not measured_questions or person.lens != "company":
        return
    exports = work / "exports"
    exports.mkdir()
    tables = table_args(write_exports(exports))
    target = write_answers(work / "measured.yaml", person, spec.id)
    run = invoke("measure", *tables, "--format", "json")
    assert run.code == 0, run.err
    values = {m["id"]: m["value"] for m in json.loads(run.out)["metrics"]}
    run = invoke("measure", *tables, "--answers", target, "--write")
    assert run.code == 0, run.err
    data, _ = report_in_every_format(target, work)  # returns (json, markdown) since the plan branch
    [result] = data["questionnaires"]
    contradicted = {c["question"] for s in result["sections"] for c in s["contradicted"]}
    questions = {q["id"]: q for s in result["sections"] for q in s["questions"]}
    for question in measured_questions:
        metric = question.data["measure"]
        value, given = values[metric], person.value(question.full)
        low, high = question.data.get("min"), question.data.get("max")
        if given is None and value is not None and (low is None or round(value, 1) >= low) and (
                high is None or round(value, 1) <= high):
            assert float(questions[question.full]["value"]) == pytest.approx(round(value, 1)), question.full
        if isinstance(given, int | float) and not isinstance(given, bool) and value is not None:
            beyond = round(abs(given - value) - METRICS[metric].tolerance, 9) > 0
            assert (question.full in contradicted) == beyond, question.full
            assert questions[question.full]["contradicted"] == beyond


@pytest.mark.parametrize("entry", BUILT_INS, ids=[e["id"] for e in BUILT_INS])
def test_every_command_and_format_on_random_respondents(entry: dict[str, Any],
                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    spec = Spec.read(entry["path"])

    @MATRIX
    @given(respondents(spec))
    def run(drawn: tuple[list[Respondent], Respondent]) -> None:
        people, baseline = drawn
        run_matrix(spec, people, baseline, tmp_path_factory.mktemp(spec.id))

    run()


# ---------- the real console script, once per command ----------

@pytest.mark.parametrize("entry", [e for e in BUILT_INS if e["id"] == "perception-gap"], ids=lambda e: e["id"])
def test_every_command_through_the_console_script(entry: dict[str, Any],
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    spec = Spec.read(entry["path"])

    @settings(max_examples=1, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(respondents(spec))
    def run(drawn: tuple[list[Respondent], Respondent]) -> None:
        people, baseline = drawn
        work = tmp_path_factory.mktemp("console")
        (work / "answers").mkdir()
        files = [str(write_answers(work / "answers" / f"{p.key}.yaml", p, spec.id)) for p in people]
        old = str(write_answers(work / "baseline.yaml", baseline, spec.id, BASELINE_DATE))
        assert run_cli("validate", *files).code == 0
        report = run_cli("report", str(work / "answers"), "--format", "json")
        assert report.code == 0, report.err
        assert_report(json.loads(report.out), spec, people)
        single = run_cli("report", files[0], "--format", "markdown")
        assert single.code == 0 and single.out.startswith("#"), single.err
        assert run_cli("compare", old, files[0], "--format", "json").code == 0
        checked = run_cli("check", files[0], "--baseline", old, "--today", TODAY)
        assert checked.code == (2 if not has_an_answer(spec, baseline) else checked.code) and checked.code in (0, 1, 2)
        lens = people[0].lens
        survey = write_survey(work / "survey.csv", spec, [csv_view(spec, p) for p in people if p.lens == lens])
        imported = run_cli("import", str(survey), "--questionnaire", spec.id, "--lens", lens, "--company", COMPANY,
                           "--date", DATE, "--delimiter", ",", "-o", str(work / "imported"))
        assert imported.code in (0, 2) and "Traceback" not in imported.err, imported.err
        made = run_cli("new", spec.id, "--company", COMPANY, "-o", str(work / "new.yaml"))
        assert made.code == 0 and run_cli("validate", str(work / "new.yaml")).code == 0

    run()


# ---------- provisional reports: one answer of many, in every format ----------

def one_value(spec: Spec, question: Q) -> Any:
    """A valid answer to a scored question, from the YAML alone."""
    kind = question.type
    if kind == "scale":
        return spec.data["scales"][question.data["scale"]][-1]["value"]
    if kind == "yes_no":
        return True
    if kind == "choice":
        return question.options[0]["id"]
    if kind == "checklist":
        return [question.options[0]["id"]]
    return question.data["bands"][0]["min"]


@pytest.mark.parametrize("entry", BUILT_INS, ids=[e["id"] for e in BUILT_INS])
def test_a_provisional_report_says_so_in_every_format(entry: dict[str, Any], tmp_path: Path) -> None:
    spec = Spec.read(entry["path"])
    first = next(q for q in spec.questions if q.scored)
    scored = sum(q.scored for q in spec.questions)
    assert scored >= 3  # one answer of three or more is under half
    person = Respondent("one", spec.lenses[0], {first.full: one_value(spec, first)})
    answers = write_answers(tmp_path / "one.yaml", person, spec.id)
    for fmt in FORMATS:
        out = tmp_path / "one.xlsx"
        run = invoke("report", answers, "--format", fmt, *(("-o", out) if fmt == "xlsx" else ()))
        assert run.code == 0, (fmt, run.err)
        if fmt == "json":
            [q] = json.loads(run.out)["questionnaires"]
            assert q["provisional"] is True and q["completeness"] == round(1 / scored, 3)
            [section] = [s for s in q["sections"] if s["id"] == first.section]
            in_section = sum(q.scored for q in spec.questions if q.section == first.section)
            assert section["provisional"] is (in_section > 2)  # 1 answered of more than 2
            continue
        if fmt == "xlsx":
            from openpyxl import load_workbook

            book = load_workbook(out)
            summary = list(book["Summary"].iter_rows(values_only=True))
            header, row = summary[0], summary[1]
            assert row[header.index("Provisional")] == "yes"
            assert str(row[header.index("Level name")]).endswith("(provisional)")
            continue
        text = run.out.lower()
        assert "provisional" in text, fmt
        if fmt in ("terminal", "markdown", "html"):
            # beside the headline number, not only in the explanations at the end
            assert text.index("provisional") < text.index("how to read"), fmt
