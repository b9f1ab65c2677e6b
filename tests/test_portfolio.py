"""The portfolio loader: which files, in what order, one record each, and the same result on any core count."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from benchmarks.generate import generate
from crmcheck.benchmark.records import AssessmentRecord, LoadFailure
from crmcheck.catalog import Catalog
from crmcheck.errors import UsageError
from crmcheck.portfolio import find_answers_files, score_answers_file, score_files
from crmcheck.render.progress import ProgressBar
from tests.conftest import run_cli
from tests.portfolio_fixture import write_portfolio


def test_files_are_found_recursively_in_a_fixed_order(tmp_path: Path) -> None:
    for name in ["b/2.yaml", "b/1.yml", "a.yaml", "c/.hidden.yaml", ".git/x.yaml", "c/notes.txt", "c/d/e.yaml"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n")
    top = str(tmp_path)
    assert [Path(p).relative_to(tmp_path).as_posix() for p in find_answers_files([top])] == [
        "a.yaml", "b/1.yml", "b/2.yaml", "c/d/e.yaml"]
    # a named file counts whatever its name; a file reached twice is listed once
    named = str(tmp_path / "c" / "notes.txt")
    found = find_answers_files([named, top, str(tmp_path / "a.yaml")])
    assert [Path(p).name for p in found] == ["notes.txt", "a.yaml", "1.yml", "2.yaml", "e.yaml"]
    assert [Path(p).name for p in find_answers_files([str(tmp_path / "a.yaml"), top])] == [
        "a.yaml", "1.yml", "2.yaml", "e.yaml"]
    assert [Path(p).relative_to(tmp_path).as_posix() for p in find_answers_files([str(tmp_path / "c"), top])] == [
        "c/d/e.yaml", "a.yaml", "b/1.yml", "b/2.yaml"]
    with pytest.raises(UsageError, match="no-such-dir: no such file or directory"):
        find_answers_files([str(tmp_path / "no-such-dir")])


def test_one_small_record_per_file(tmp_path: Path) -> None:
    portfolio, questionnaires = write_portfolio(tmp_path)
    catalog = Catalog([questionnaires])
    good = score_answers_file(str(portfolio / "retail" / "gamma.yaml"), catalog)
    assert isinstance(good, AssessmentRecord)
    assert (good.company, good.assessed_on.isoformat(), good.lens, good.industry, good.size) == (
        "Gamma Inc", "2026-02-02", "company", "retail", "51-200")
    assert [tuple(q) for q in good.questionnaires] == [
        # the last item: each section's stage-rule flags (process is all n/a: 1; nothing else flagged)
        ("tiny", (50.0, None), 50.0, None, 1, 1, (0, 1)), ("steps", (0.0, None), 0.0, 1, 1, 2, (0, 0))]
    bad = score_answers_file(str(portfolio / "software" / "broken.yaml"), catalog)
    assert isinstance(bad, LoadFailure)
    assert bad.errors == (f"{portfolio}/software/broken.yaml:8:21: people.owner: '9' is not on the practice scale; "
                          "use one of 0 (Not done), 1 (Ad hoc), 2 (Defined), 3 (Practised), 4 (Measured), or n/a",)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("format: 1\ncompany: X\nassessed_on: 2026-01-01\nquestionnaires:\n  nope: {}\n")
    outcome = score_answers_file(str(unknown), catalog)
    assert isinstance(outcome, LoadFailure)
    assert outcome.errors[0].startswith(f"{unknown}:5:3: unknown questionnaire 'nope' (known: ")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("generated")
    assert generate(160, directory, seed=3, broken=0.05) == 160
    return directory


def test_generated_files_are_valid_except_the_broken_ones(generated: Path) -> None:
    catalog = Catalog()
    outcomes = list(score_files(find_answers_files([str(generated)]), catalog))
    failures = [o for o in outcomes if isinstance(o, LoadFailure)]
    assert len(outcomes) == 160
    assert 1 <= len(failures) <= 20  # about 5% asked for
    records = [o for o in outcomes if isinstance(o, AssessmentRecord)]
    assert {q.questionnaire for r in records for q in r.questionnaires} == {
        "crm-mistakes", "cmr-pitfalls", "revenue-marketing", "perception-gap"}
    assert len({r.company for r in records}) < len(records)  # companies have several dates


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate(12, tmp_path / "a", seed=5)
    generate(12, tmp_path / "b", seed=5)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert len(files_a) == 12
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)


def test_workers_give_the_same_output_as_one_process(generated: Path) -> None:
    company = next(line.split(":", 1)[1].strip().strip('"') for line in
                   next(generated.rglob("*.yaml")).read_text().splitlines() if line.startswith("company:"))
    for fmt in ("json", "jsonl"):
        args = ["benchmark", str(generated), "--format", fmt, "--by", "industry", "--company", company]
        one = run_cli(*args, "--jobs", "1")
        two = run_cli(*args, "--jobs", "2")
        assert one.code == two.code == 0
        assert one.out == two.out
        assert one.err == two.err
        assert one.err.count("\n") >= 1  # the broken files, listed in the same order


def test_worker_outcomes_keep_file_order(generated: Path) -> None:
    paths = find_answers_files([str(generated)])
    catalog = Catalog()
    assert [o.file for o in score_files(paths, catalog, jobs=2)] == paths


def test_progress_bar_draws_and_erases() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, label="scoring", unit="files", enabled=True, minimum=3)
    bar.start(4)
    assert bar.line(1) == "scoring ######.................. 1/4 files"  # StringIO has no UTF-8 encoding set
    bar.update(4)
    bar.finish()
    text = stream.getvalue()
    assert text.startswith("\rscoring ........................ 0/4 files")
    assert "\rscoring ######################## 4/4 files" in text
    assert text.endswith("\r" + " " * len("scoring ######################## 4/4 files") + "\r")


def test_progress_bar_silent_for_small_jobs_and_non_terminals() -> None:
    stream = io.StringIO()
    small = ProgressBar(stream, label="scoring", unit="files", enabled=True, minimum=200)
    small.start(10)
    small.update(10)
    small.finish()
    default = ProgressBar(stream, label="scoring", unit="files")  # StringIO is not a terminal
    default.start(1000)
    default.update(1000)
    default.finish()
    assert stream.getvalue() == ""


def test_spawned_workers_load_their_own_questionnaires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where workers cannot be forked (macOS, Windows), each one builds the catalog from the directories."""
    import multiprocessing

    import crmcheck.portfolio

    portfolio, questionnaires = write_portfolio(tmp_path)
    paths = find_answers_files([str(portfolio)])
    one = list(score_files(paths, Catalog([questionnaires]), jobs=1))
    monkeypatch.setattr(crmcheck.portfolio, "_context", lambda: multiprocessing.get_context("spawn"))
    two = list(score_files(paths, Catalog([questionnaires]), jobs=2, total=len(paths)))
    assert two == one
    assert sum(isinstance(o, LoadFailure) for o in two) == 1


def test_generated_files_are_never_dated_in_the_future(tmp_path: Path) -> None:
    import datetime as dt

    from benchmarks.generate import AS_OF

    today = dt.date.today()
    for as_of, limit in ((None, min(AS_OF, today)), (dt.date(2024, 3, 1), dt.date(2024, 3, 1))):
        directory = tmp_path / str(as_of)
        assert generate(60, directory, seed=5, as_of=as_of) == 60
        dates = [dt.date.fromisoformat(path.stem) for path in directory.rglob("*.yaml")]
        assert len(dates) == 60 and max(dates) <= limit
        assert min(dates) >= limit - dt.timedelta(days=4 * 366 + 365)  # four dates a year apart, latest within two
        assert max(dates) >= limit - dt.timedelta(days=2 * 366)
