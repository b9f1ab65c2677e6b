"""The bulk fast path (crmcheck.answers.fast, resolve.resolve_plain) gives exactly what the full path gives, or nothing.

`benchmark` and the report of many respondents read most files without pydantic models; any file the fast
path does not plainly accept goes the full way, which reports its errors. Every test here compares the two
on the same files: generated portfolios with broken files, hand-made odd files, and files hypothesis writes
with random values of every question type, right and wrong. Tests also check that the fast path is really
taken for ordinary files, so a fast path that always stepped aside would fail them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import shutil
from array import array
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate, generate_respondents
from crmcheck import aggregate, assessment, portfolio
from crmcheck.aggregate import AnsweredQuestionnaire, AnswerSet, quick_answer_set
from crmcheck.answers import fast as fastpath
from crmcheck.answers.model import load_answers
from crmcheck.assessment import assess_paths, responses_of
from crmcheck.benchmark.build import build_benchmark
from crmcheck.benchmark.tables import BLOCK, Column, Companies, Portfolio
from crmcheck.benchmark.tally import Tally
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.portfolio import BenchmarkRequest, run_benchmark, score_answers_file, score_answers_file_fully
from crmcheck.scoring import rounded_score
from crmcheck.yamlio import load_mapping
from tests.benchmark_reference import distribution, placement

CATALOG = Catalog()
QUESTIONNAIRES = ["crm-mistakes", "cmr-pitfalls", "revenue-marketing", "perception-gap"]


def full_data(path: Path) -> Any:
    """What the full loader makes of a file: its data, or its error lines."""
    try:
        return load_mapping(path).data
    except CrmcheckError as exc:
        return exc.lines()


def assert_same(path: Path) -> bool:
    """The fast and the full path agree on the file; whether the fast path took it."""
    data = fastpath.load_data(str(path))
    if data is not None:
        assert data == full_data(path)
    fast = portfolio._score_fast(str(path), CATALOG)
    full = score_answers_file_fully(str(path), CATALOG)
    if fast is not None:
        assert fast == full
    assert score_answers_file(str(path), CATALOG) == full
    return fast is not None


def questions_of(qid: str, kind: str) -> list[tuple[str, Question]]:
    return [(full, q) for full, (_, q) in CATALOG.get(qid).questions.items() if q.type == kind]


def answers_file(answers: str, *, header: str = "", questionnaire: str = "crm-mistakes", extra: str = "") -> str:
    return (f"format: 1\ncompany: \"Odd Cases & Co\"\nassessed_on: 2026-03-04\n{header}questionnaires:\n"
            f"  {questionnaire}:\n{extra}    answers:\n{answers}")


# ---------------------------------------------------------------------------------------------
# Hand-made files, each read both ways


def odd_files() -> dict[str, tuple[str, bool | None]]:
    """name -> (file text, whether the fast path must take it: True, False, or None for either)."""
    scale, _ = questions_of("crm-mistakes", "scale")[0]
    yes_no, _ = questions_of("crm-mistakes", "yes_no")[0]
    choice, choice_q = next((f, q) for f, q in questions_of("crm-mistakes", "choice") if not q.profile)
    checklist, checklist_q = next((f, q) for f, q in questions_of("crm-mistakes", "checklist") if not q.profile)
    number, number_q = questions_of("crm-mistakes", "number")[0]
    text, _ = questions_of("crm-mistakes", "text")[0]
    # crm-mistakes v3 gave most number questions `unknown_scores`, the first one too: take one still without it
    never_unknown = next(f for f, q in questions_of("crm-mistakes", "number") if q.unknown_scores is None)
    level = CATALOG.get("crm-mistakes").scales[questions_of("crm-mistakes", "scale")[0][1].scale or ""][2]
    option = (choice_q.options or [])[0].id
    first, second = [o.id for o in (checklist_q.options or [])][:2]
    band = (number_q.bands or [])[0].min
    renamed_from, renamed_to = next(iter(CATALOG.get("crm-mistakes").renamed.items()))
    plain = f"      {scale}: 2\n      {yes_no}: yes\n      {choice}: {option}\n      {checklist}: [{first}, {second}]\n"
    retired: dict[str, tuple[str, bool | None]] = {}
    questionnaire = CATALOG.get("crm-mistakes")
    if questionnaire.retired and questionnaire.version > 1:  # an earlier version's question, dropped since
        dropped = questionnaire.retired[0]
        retired = {"retired, earlier version": (answers_file(plain + f"      {dropped}: 1\n",
                                                             extra="    version: 1\n"), False),
                   "retired, this version": (answers_file(plain + f"      {dropped}: 1\n"), False)}
    return {**retired,
        "plain": (answers_file(plain), True),
        "comment with marks": (answers_file("      # notes & *stars* ! #x\n" + plain), True),
        "plain scalar with &": (answers_file(plain).replace('"Odd Cases & Co"', "Smith & Sons! *"), True),
        "quoted & in a note": (answers_file(f"      {scale}: {{value: 2, note: \"a & b, *c*!\"}}\n"), True),
        "anchor": (answers_file(f"      {scale}: &x 2\n      {yes_no}: yes\n"), False),
        "alias": (answers_file(f"      {scale}: &x 2\n      {number}: *x\n"), False),
        "tag": (answers_file(f"      {scale}: !!str 2\n"), False),
        "tag on a key": (answers_file(f"      !!str {scale}: 2\n"), False),
        "label answers": (answers_file(f"      {scale}: \" {level.label.upper()} \"\n      {yes_no}: \"N\"\n"), True),
        "bool for a scale": (answers_file(f"      {scale}: true\n"), False),
        "float for a scale": (answers_file(f"      {scale}: 2.0\n"), False),
        "off the scale": (answers_file(f"      {scale}: 7\n"), False),
        "number as text": (answers_file(f"      {number}: \"{band}\"\n"), False),
        "numbers": (answers_file(f"      {number}: {band}\n      {text}: 42\n"), True),
        "decimal number": (answers_file(f"      {number}: {band + 0.50:.2f}\n"), True),
        "single checklist id": (answers_file(f"      {checklist}: {first}\n"), True),
        "checklist twice": (answers_file(f"      {checklist}: [{first}, {first}]\n"), False),
        "empty checklist": (answers_file(f"      {checklist}: []\n"), True),
        "unknown option": (answers_file(f"      {choice}: no-such-option\n"), False),
        "n/a with a reason": (answers_file(f"      {scale}: {{value: N/A, reason: not measured}}\n"), True),
        "blank answers": (answers_file(f"      {scale}:\n      {yes_no}: ~\n"), True),
        "answers: null": (answers_file("").replace("    answers:\n", "    answers: null\n"), True),
        "answers a list": (answers_file("").replace("    answers:\n", "    answers: [1]\n"), False),
        "renamed id": (answers_file(f"      {renamed_from}: 1\n"), True),
        "renamed twice": (answers_file(f"      {renamed_from}: 1\n      {renamed_to}: 2\n"), False),
        "unknown question": (answers_file(f"      {scale}x: 1\n"), False),
        "unknown answer field": (answers_file(f"      {scale}: {{value: 1, comment: x}}\n"), False),
        "note a number": (answers_file(f"      {scale}: {{value: 1, note: 12}}\n"), False),
        "assessor a number": (answers_file(plain, header="assessor: 2026\n"), False),
        "customer lens": (answers_file(plain, header="respondent: {name: Kim, lens: customer}\n"), True),
        "unknown lens": (answers_file(plain, header="respondent: {lens: partner}\n"), False),
        "segment": (answers_file(plain, header="segment: {industry: retail, size: 11-50}\n"), True),
        "segment number": (answers_file(plain, header="segment: {industry: 7}\n"), False),
        "targets": (answers_file(plain, extra="    targets: {best-customers: 4}\n"), True),
        "bad target": (answers_file(plain, extra="    targets: {best-customers: 9}\n"), False),
        "unknown target": (answers_file(plain, extra="    targets: {nowhere: 3}\n"), False),
        "newer version": (answers_file(plain, extra="    version: 99\n"), False),
        "older version": (answers_file(plain, extra="    version: 1\n"), True),
        "format 1.0": (answers_file(plain).replace("format: 1\n", "format: 1.0\n"), False),
        "no format": (answers_file(plain).replace("format: 1\n", ""), False),
        "bad date": (answers_file(plain).replace("2026-03-04", "2026-02-30"), False),
        "quoted date": (answers_file(plain).replace("2026-03-04", '"2026-03-04"'), True),
        "unknown questionnaire": (answers_file(plain, questionnaire="no-such-thing"), False),
        "no questionnaires": ("format: 1\ncompany: X\nassessed_on: 2026-03-04\nquestionnaires: {}\n", False),
        "duplicate key": (answers_file(f"      {scale}: 1\n      {scale}: 2\n"), False),
        "crlf": (answers_file(plain).replace("\n", "\r\n"), True),
        "bom": ("\ufeff" + answers_file(plain), False),
        "allowed C1 (NEL)": (answers_file(f"      {scale}: {{value: 1, note: \"a\u0085b\"}}\n"), True),
        "control character": (answers_file(f"      {scale}: {{value: 1, note: \"a\u0086b\"}}\n"), False),
        "non-ASCII": (answers_file(plain, header="assessor: \"Tomás Ruiz\"\n"), True),
        "top-level list": ("- 1\n- 2\n", False),
        "empty": ("", False),
        "two documents": (answers_file(plain) + "---\nx: 1\n", False),
        "deep": (answers_file(f"      {text}: " + "[" * 70 + "]" * 70 + "\n"), False),
        "many structural characters": (answers_file(plain + "".join(f"      # {'-' * 40}\n" for _ in range(60))),
                                       None),
        # revenue-marketing: a critical metric and another answered unknown, a negatively keyed statement
        "unknown metrics": (answers_file("      demand-generation.lead-to-close: unknown\n"
                                         "      demand-generation.days-to-close: {value: Unknown, note: x}\n"
                                         "      lead-generation.sales-rating: 1\n"
                                         "      lead-generation.lead-owner: yes\n",
                                         questionnaire="revenue-marketing"), True),
        "unknown without unknown_scores": (answers_file(f"      {never_unknown}: unknown\n"), False),
        "unknown with unknown_scores": (answers_file(f"      {number}: unknown\n"), True),
    }


def test_odd_files_read_both_ways(tmp_path: Path) -> None:
    for number, (name, (text, fast)) in enumerate(odd_files().items()):
        path = tmp_path / f"{number:02d}.yaml"
        path.write_bytes(text.encode("utf-8"))
        took = assert_same(path)
        assert fast is None or took == fast, name


def test_a_generated_portfolio_reads_both_ways(tmp_path: Path) -> None:
    generate(300, tmp_path, seed=11, broken=0.2)
    paths = sorted(tmp_path.rglob("*.yaml"))
    taken = [assert_same(path) for path in paths]
    failed = [path for path in paths if not hasattr(score_answers_file_fully(str(path), CATALOG), "company")]
    assert 20 <= len(failed) <= 100  # about a fifth broken
    assert sum(taken) >= 0.95 * (len(paths) - len(failed))  # the good files take the fast path


# ---------------------------------------------------------------------------------------------
# Files hypothesis writes


def value_texts(questionnaire: Questionnaire, question: Question) -> tuple[list[str], list[str]]:
    """YAML texts of values for a question: right ones in every form they may take, and wrong ones."""
    wrong = ["7", "-1", "1.5", "maybe", "{}", "[a, b]", '"3"', "12abc", "1e3", "''", '" "', "[]", "true"]
    kind = question.type
    ids = [o.id for o in question.options or ()]
    if kind == "scale":
        levels = questionnaire.scales[question.scale or ""]
        right = [str(lv.value) for lv in levels] + [lv.label for lv in levels] + [
            f'" {lv.label.upper()} "' for lv in levels]
    elif kind == "yes_no":
        right = ["yes", "No", "Y", "n", "true", "FALSE", '"yes"', "True", "false"]
    elif kind == "choice":
        right = list(ids)
        wrong += [i.upper() for i in ids]
    elif kind == "checklist":
        right = [*ids, "[" + ", ".join(ids[:2]) + "]", "[" + ", ".join(reversed(ids)) + "]", "[]"]
        wrong += [f"[{ids[0]}, {ids[0]}]", ids[0].upper()]
    elif kind == "number":
        right = [f"{b.min:g}" for b in question.bands or ()] + ["12", "12.50", "0", "99.9"]
        wrong += ["-5", "100000000"]
    else:
        right = ["free text", "42", "3.10", "yes", '"quoted: text"', "false"]
        wrong = ["[a]", "{x: 1}"]
    return right + ["n/a", "NA ", "N/a", "~", ""], wrong


def random_answers_file(rng: random.Random) -> str:
    """An answers file with random answers: most files right throughout (every question type, every way of
    writing a value), some with a few wrong values or fields."""
    qid = rng.choice(QUESTIONNAIRES)
    questionnaire = CATALOG.get(qid)
    wrongness = rng.choice([0, 0, 0, 0.02, 0.3])
    lines = []
    for full, (_, question) in questionnaire.questions.items():
        if rng.random() < 0.2:
            continue
        right, wrong = value_texts(questionnaire, question)
        value = rng.choice(wrong if rng.random() < wrongness else right)
        form = rng.randrange(6)
        if form == 1:
            note = "12" if rng.random() < wrongness else rng.choice(["x & y", "ok", "null", "'#1'"])
            value = f"{{value: {value or 'null'}, note: {note}}}"
        elif form == 2:
            reason = "[r]" if rng.random() < wrongness else "r"
            value = f"{{value: {value or 'null'}, evidence: e.pdf, reason: {reason}}}"
        former = [old for old, new in questionnaire.renamed.items() if new == full]
        written = former[0] if former and rng.random() < 0.5 else full  # a former id answers for the current one
        lines.append(f"      {written}: {value}\n")
    rng.shuffle(lines)

    def pick(right: list[str], wrong: list[str]) -> str:
        return rng.choice(wrong if rng.random() < 3 * wrongness else right)

    header = pick(["", "respondent: {name: A, lens: customer}\n", "segment: {industry: x, size: 1-10}\n"],
                  ["respondent: {role: [7]}\n", "segment: {size: [1]}\n", "assessor: 12\n"])
    extra = pick(["", "    version: 1\n", "    targets: {}\n", f"    targets: {{{questionnaire.sections[0].id}: 2}}\n"],
                 ["    version: 0\n", "    targets: {x: 2}\n"])
    return answers_file("".join(lines), header=header, questionnaire=qid, extra=extra)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                 HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_random_files_read_both_ways(tmp_path: Path, rng: random.Random) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(random_answers_file(rng), encoding="utf-8")
    assert_same(path)


def test_random_files_mostly_take_the_fast_path(tmp_path: Path) -> None:
    rng = random.Random(15)
    taken = 0
    for number in range(150):
        path = tmp_path / f"{number}.yaml"
        path.write_text(random_answers_file(rng), encoding="utf-8")
        taken += assert_same(path)
    assert taken >= 50


# ---------------------------------------------------------------------------------------------
# The report of many respondents


def full_answer_set(path: Path) -> AnswerSet | list[str]:
    """`assessment`'s answer set of one file, the full way, or its error lines."""
    try:
        source = load_answers(str(path))
        answers = source.answers
        parts = [AnsweredQuestionnaire(CATALOG.get(key), responses, answers.questionnaires[key].targets)
                 for key, responses in responses_of(source, CATALOG).items()]
    except CrmcheckError as exc:
        return exc.lines()
    return AnswerSet(file=str(path), lens=answers.lens, respondent=answers.respondent, questionnaires=parts,
                     assessor=answers.assessor, segment=answers.segment)


def test_respondents_read_both_ways(tmp_path: Path) -> None:
    generate_respondents(80, tmp_path, seed=5)
    for number, (text, _) in enumerate(odd_files().values()):
        (tmp_path / f"odd-{number:02d}.yaml").write_bytes(text.encode("utf-8"))
    taken = 0
    for path in sorted(tmp_path.glob("*.yaml")):
        full = full_answer_set(path)
        for company, date in [("Brightwater Field Systems", dt.date(2026, 10, 15)),
                              ("Odd Cases & Co", dt.date(2026, 3, 4))]:
            quick = quick_answer_set(str(path), CATALOG, company, date)
            if quick is not None:
                taken += 1
                assert isinstance(full, AnswerSet) and quick == full
                assert (quick.respondent, quick.segment) == (full.respondent, full.segment)
    assert taken >= 80 + 15


def report_json(paths: list[str], *, fast: bool, monkeypatch: pytest.MonkeyPatch, **options: Any) -> str:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(aggregate, "quick_answer_set", lambda *args: None)
        try:
            return assess_paths(paths, CATALOG, **options).model_dump_json()
        except CrmcheckError as exc:
            return "\n".join(exc.lines())


def test_reports_of_many_respondents_are_the_same_both_ways(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    survey = tmp_path / "survey"
    generate_respondents(120, survey, seed=9)
    mixed = tmp_path / "mixed"
    shutil.copytree(survey, mixed)
    rng = random.Random(4)
    for path in rng.sample(sorted(mixed.glob("*.yaml")), 10):  # odd but valid ways of writing fields
        text = path.read_text(encoding="utf-8")
        text = text.replace('company: "Brightwater Field Systems"', "company: Brightwater Field Systems")
        text = text.replace("assessed_on: 2026-10-15", 'assessed_on: "2026-10-15"\nassessor: 2026')
        path.write_text(text, encoding="utf-8")
    cases: list[tuple[list[str], dict[str, Any]]] = [
        ([str(survey)], {}), ([str(survey)], {"show_respondents": True}), ([str(mixed)], {}),
        ([str(survey / "respondent-00001.yaml"), str(mixed)], {}),
    ]
    for damage in ["company: \"Other Co\"", "assessed_on: 2026-10-16", "questionnaires: ["]:
        broken = tmp_path / f"broken-{len(cases)}"
        shutil.copytree(survey, broken)
        target = broken / "respondent-00077.yaml"
        text = target.read_text(encoding="utf-8")
        key = damage.split(":")[0]
        line = next(line for line in text.splitlines() if line.startswith(f"{key}:"))
        target.write_text(text.replace(line, damage, 1), encoding="utf-8")
        cases.append(([str(broken)], {}))
    for paths, options in cases:
        fast = report_json(paths, fast=True, monkeypatch=monkeypatch, **options)
        assert fast == report_json(paths, fast=False, monkeypatch=monkeypatch, **options)
    assert "differs from" in report_json(cases[4][0], fast=True, monkeypatch=monkeypatch)


def test_the_report_takes_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate_respondents(30, tmp_path, seed=2)
    calls: list[str] = []
    original = aggregate.quick_answer_set

    def counted(path: str, *args: Any) -> AnswerSet | None:
        found = original(path, *args)
        calls.append("fast" if found is not None else "full")
        return found

    monkeypatch.setattr(aggregate, "quick_answer_set", counted)
    assessment.assess_paths([str(tmp_path)], CATALOG)
    assert calls == ["fast"] * 29  # the first file is always loaded fully: it is the reference


# ---------------------------------------------------------------------------------------------
# The benchmark's storage and statistics


def benchmark_json(paths: list[str], *, fast: bool, monkeypatch: pytest.MonkeyPatch, **options: Any) -> str:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(portfolio, "_score_fast", lambda *args: None)
        return run_benchmark(BenchmarkRequest(tuple(paths), jobs=1, **options), CATALOG).model_dump_json()


def test_benchmarks_are_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(250, tmp_path / "portfolio", seed=8, broken=0.05)
    generate_respondents(12, tmp_path / "survey", seed=1, questionnaire="crm-mistakes", customers=0)
    generate_respondents(6, tmp_path / "voices", seed=2)
    for number, (text, _) in enumerate(odd_files().values()):
        (tmp_path / "odd" / f"{number:02d}.yaml").parent.mkdir(exist_ok=True)
        (tmp_path / "odd" / f"{number:02d}.yaml").write_bytes(text.encode("utf-8"))
    company = "Brightwater Field Systems"
    cases: list[dict[str, Any]] = [{}, {"by": "industry"}, {"company": company, "by": "size"},
                                   {"all_dates": True, "rows": True}, {"rows": True, "company": "odd cases  & CO"}]
    for options in cases:
        fast = benchmark_json([str(tmp_path)], fast=True, monkeypatch=monkeypatch, **options)
        assert fast == benchmark_json([str(tmp_path)], fast=False, monkeypatch=monkeypatch, **options)
        if "company" in options:
            assert json.loads(fast)["company"]["assessments"]


def test_statistics_do_not_need_names(tmp_path: Path) -> None:
    generate(150, tmp_path, seed=4)
    outcomes = [score_answers_file(str(p), CATALOG) for p in sorted(tmp_path.rglob("*.yaml"))]
    results = []
    for names in (True, False):
        kept = Portfolio(names=names)
        for outcome in outcomes:
            kept.add(outcome)
        questionnaires = {qid: CATALOG.get(qid) for qid in kept.tables}
        results.append(build_benchmark(kept, questionnaires, by="industry").model_dump_json())
    assert results[0] == results[1]


one_decimal = st.integers(0, 1000).map(lambda k: rounded_score(k / 10) or 0.0)
scores = st.one_of(one_decimal, st.floats(0, 100, allow_nan=False))


@given(values=st.lists(scores, max_size=60), extra=scores)
def test_a_tally_gives_what_the_list_gives(values: list[float], extra: float) -> None:
    assert Tally(values).distribution() == distribution(values)
    with_extra = [*values, extra]
    assert Tally(with_extra).placement(extra) == placement(with_extra, extra)
    assert Tally(with_extra).placement(None) == placement(with_extra, None)


@given(names=st.lists(st.text(min_size=0, max_size=12), max_size=200))
def test_companies_are_numbered_in_the_order_first_seen(names: list[str]) -> None:
    companies = Companies()
    expected: dict[str, int] = {}
    for name in names:
        assert companies.number(name) == expected.setdefault(name, len(expected))
    assert len(companies) == len(expected)
    for name, number in expected.items():
        assert companies.get(name) == number
        assert companies.key(number) == name.encode("utf-8")
    assert companies.get("\x00not there") is None


def test_columns_grow_in_blocks_and_keep_rows_apart() -> None:
    sections = Column("d", 3, math.nan)
    sections.grow(BLOCK + 2)
    assert len(sections) == BLOCK + 2
    assert all(math.isnan(x) for x in sections.row(BLOCK + 1))
    sections.set_row(BLOCK - 1, Column("d", 3)._blank[:3])
    sections.set_row(BLOCK, array("d", [1.0, 2.0, 3.0]))
    assert list(sections.row(BLOCK)) == [1.0, 2.0, 3.0]
    assert list(sections.row(BLOCK - 1)) == [0.0, 0.0, 0.0]
    assert sections.get(BLOCK, 2) == 3.0
    assert list(sections.values([BLOCK, BLOCK - 1], 1)) == [2.0, 0.0]


def test_several_respondents_count_in_every_section_statistic() -> None:
    from tests.test_benchmark import QUESTIONNAIRES as SMALL
    from tests.test_benchmark import record

    kept = Portfolio(names=False)
    for outcome in [record("a1", "Acme", "2026-01-01", (100.0, 50.0)), record("b", "Bolt", "2026-01-01", (0.0, 0.0)),
                    record("a2", "ACME", "2026-01-01", (50.0, None)), record("c", "Cove", "2025-05-05", (None, 25.0))]:
        kept.add(outcome)
    (tiny,) = build_benchmark(kept, SMALL, by="industry").segments[0].questionnaires
    people, process = (s.distribution for s in tiny.sections)
    # Acme's two respondents: people (100 + 50) / 2 = 75, process 50 (only one assessed it)
    assert (people.count, people.min, people.max, people.mean) == (2, 0.0, 75.0, 37.5)
    assert (process.count, process.min, process.median, process.max) == (3, 0.0, 25.0, 50.0)
    # overall: Acme (75 + 50) / 2 = 62.5, Bolt 0, Cove 25
    assert (tiny.score.count, tiny.score.min, tiny.score.median, tiny.score.max) == (3, 0.0, 25.0, 62.5)


def test_columns_of_whole_numbers_widen_when_a_number_does_not_fit() -> None:
    counts = Column("b")
    counts.grow(BLOCK + 1)
    counts.set(0, 100)
    counts.set(BLOCK, 40_000)  # past int8 and int16
    counts.set(1, -(2**40))
    assert [counts.get(0), counts.get(1), counts.get(2), counts.get(BLOCK)] == [100, -(2**40), 0, 40_000]
    counts.grow(3 * BLOCK)
    assert counts.get(3 * BLOCK - 1) == 0
