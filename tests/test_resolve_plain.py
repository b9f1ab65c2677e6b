"""`resolve_plain` (the bulk path, answers/plain.py) gives exactly the responses `resolve` gives, or None.

Random answers files of every built-in questionnaire, each answer of every question type written in every way,
right and wrong: scale values and labels, yes/no words, options, checklists, numbers and `unknown`, text, n/a in
its spellings, blanks, notes, evidence and reasons (some not text), `measured` blocks (some broken), extra fields,
former (renamed) ids, retired ids, ids answered twice, questions asked in one lens only answered in another,
versions and targets. Each file is read the full way (`load_answers`, `responses_of`) and the fast way
(`load_data`, `check_answers`, `responses`): where the fast way answers, it answers the same.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcheck.answers import fast
from crmcheck.answers.model import load_answers
from crmcheck.assessment import responses_of
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.resolve import Response

CATALOG = Catalog()
QUESTIONNAIRES = sorted(CATALOG.entries)
NOT_APPLICABLE = ["n/a", "N/A", " na ", "NA", "N/a"]
WRONG = [7, -1, 1.5, "maybe", {}, [], ["zz"], "3", True, False, "", " ", 10**6]


def values(questionnaire: Questionnaire, question: Question) -> tuple[list[Any], list[Any]]:
    """Written values for a question: right ones in the ways they may be written, and wrong ones."""
    ids = [o.id for o in question.options or ()]
    kind = question.type
    wrong: list[Any] = list(WRONG)
    if kind == "scale":
        levels = questionnaire.scales[question.scale or ""]
        right: list[Any] = [lv.value for lv in levels] + [lv.label for lv in levels] + [
            f" {lv.label.upper()} " for lv in levels]
        wrong += [str(lv.value) for lv in levels]
    elif kind == "yes_no":
        right = [True, False, "yes", "No", " Y", "n", "true", "FALSE"]
        wrong += ["nope"]
    elif kind == "choice":
        right = list(ids)
        wrong += [*[i.upper() for i in ids], f" {ids[0]}"]
    elif kind == "checklist":
        right = [*ids, ids[:2], list(reversed(ids)), []]
        wrong += [[ids[0], ids[0]], [ids[0], 3], ids[0].upper()]
    elif kind == "number":
        right = [b.min for b in question.bands or ()] + [12, 12.5, 0, 99.9]
        right += ["unknown", " Unknown", "UNKNOWN"] if question.unknown_scores is not None else []
        wrong += ["12", "unknown", 10**9]
    else:
        right = ["free text", 42, 3.25, True, "yes", "NA", " N/A", "n/a"]
        wrong = [["a"], {"x": 1}]
    return right + NOT_APPLICABLE + [None], wrong


def answer(rng: random.Random, value: Any, wrongness: float) -> Any:
    """A value in one of the ways an answer is written: alone, or a mapping with other fields."""
    form = rng.randrange(5)
    if form < 2:
        return value

    def pick(right: list[Any], wrong: list[Any]) -> Any:
        return rng.choice(wrong if rng.random() < wrongness else right)

    written: dict[str, Any] = {"value": value}
    for field in ("note", "evidence", "reason"):
        if rng.random() < 0.4:
            written[field] = pick(["a note", "e.pdf", "", None], [12, ["x"]])
    if form == 3:
        written["measured"] = pick([{"value": 0.42, "source": "crm.csv"}, {"value": 3, "source": "x"}, None],
                                   [{"value": "3", "source": "x"}, {"value": 1.0}, {"source": "x"},
                                    {"value": 2, "source": ""}, {"value": 1, "source": "s", "x": 1}])
    if form == 4 and rng.random() < wrongness:
        written["comment"] = "an extra field"
    return written


def random_data(rng: random.Random) -> dict[str, Any]:
    qid = rng.choice(QUESTIONNAIRES)
    questionnaire = CATALOG.get(qid)
    former = {new: old for old, new in questionnaire.renamed.items()}
    wrongness = rng.choice([0, 0, 0, 0.02, 0.3])
    lens = rng.choice([None, "company", "customer"])
    answers: dict[str, Any] = {}
    for full, (_, question) in questionnaire.questions.items():
        if rng.random() < 0.25 or (not question.asked_in(lens) and rng.random() >= 3 * wrongness):
            continue
        right, wrong = values(questionnaire, question)
        value = rng.choice(wrong if rng.random() < wrongness else right)
        written = former[full] if full in former and rng.random() < 0.5 else full
        answers[written] = answer(rng, value, wrongness)
        if full in former and rng.random() < 3 * wrongness:  # the current and a former id both answered
            answers[full if written != full else former[full]] = answer(rng, value, wrongness)
    if questionnaire.retired and rng.random() < 3 * wrongness:
        answers[rng.choice(questionnaire.retired)] = 1
    if rng.random() < wrongness:
        answers["no-such.question"] = 1
    entry: dict[str, Any] = {"answers": answers}
    version = rng.choice([None, None, 1, questionnaire.version] + [questionnaire.version + 1] * (wrongness > 0))
    if version is not None:
        entry["version"] = version
    if rng.random() < 0.3:
        section = questionnaire.sections[0].id
        entry["targets"] = rng.choice([{}, {section: 2}] + [{section: 99}, {"nowhere": 2}] * (wrongness > 0))
    data: dict[str, Any] = {"format": 1, "company": "Acme", "assessed_on": "2026-03-04",
                            "questionnaires": {qid: entry}}
    if lens is not None:
        data["respondent"] = {"name": "Ann", "lens": lens}
    return data


def both_ways(path: Path) -> tuple[dict[str, dict[str, Response]] | None, dict[str, dict[str, Response]] | None]:
    """(the full path's responses or None for an error, the fast path's or None where it steps aside)."""
    try:
        full = responses_of(load_answers(str(path)), CATALOG)
    except CrmcheckError:
        full = None
    data = fast.load_data(str(path))
    plain = fast.check_answers(data) if data is not None else None
    quick = fast.responses(plain, CATALOG) if plain is not None else None
    return full, quick


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                  HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_resolve_plain_gives_what_resolve_gives(tmp_path: Path, rng: random.Random) -> None:
    full, quick = both_ways(write(tmp_path / "answers.yaml", random_data(rng)))
    if quick is not None:
        assert full is not None and quick == full


def features(responses: dict[str, dict[str, Response]], data: dict[str, Any]) -> set[str]:
    """What a file the fast path took holds, among the cases the test must see taken."""
    found: set[str] = set()
    (qid, entry), = data["questionnaires"].items()
    questionnaire = CATALOG.get(qid)
    for response in responses[qid].values():
        found |= {"n/a"} if response.status == "n/a" else set()
        found |= {"unknown"} if response.unknown else set()
        found |= {"measured"} if response.measured is not None else set()
        found |= {"note"} if response.note is not None else set()
    for written in entry["answers"]:
        if written in questionnaire.renamed:
            found.add("renamed")
        full = questionnaire.renamed.get(written, written)
        found.add(questionnaire.questions[full][1].type)
    lens = data.get("respondent", {}).get("lens", "company")
    if any(q.asked_lenses is not None for _, (_, q) in questionnaire.questions.items()):
        found.add(f"lens-only questionnaire, {lens}")
    return found


def test_the_fast_path_takes_every_kind_of_answer(tmp_path: Path) -> None:
    """The property above is not empty: the fast path takes files with every question type and way of answering,
    and refuses others, which the full path then decides (accepting some)."""
    rng = random.Random(23)
    seen: Counter[str] = Counter()
    outcomes: Counter[tuple[bool, bool]] = Counter()
    for number in range(250):
        data = random_data(rng)
        full, quick = both_ways(write(tmp_path / f"{number}.yaml", data))
        outcomes[(full is not None, quick is not None)] += 1
        if quick is not None:
            assert full is not None and quick == full
            seen.update(features(quick, data))
    expected = {"scale", "yes_no", "choice", "checklist", "number", "text", "n/a", "unknown", "measured", "note",
                "renamed", "lens-only questionnaire, company", "lens-only questionnaire, customer"}
    assert expected <= set(seen), expected - set(seen)
    assert outcomes[(True, True)] >= 25 and outcomes[(False, False)] >= 25 and outcomes[(True, False)] >= 1
    assert outcomes[(False, True)] == 0
