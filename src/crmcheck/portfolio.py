"""Load a portfolio of answers files as a stream of small score records, on every core: `benchmark`'s input.

Files are found in a fixed order (sorted, directories walked recursively), scored one by one into an
`AssessmentRecord` (a few numbers per section; the parsed file is dropped at once), and handed on in
that same order, whether they were scored here or in worker processes. So memory holds only the
records, and the result is the same with one process or many.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmcheck.answers import fast as fastpath
from crmcheck.answers.model import parse_answers
from crmcheck.answers.plain import Compiled, compiled
from crmcheck.benchmark.build import CompanyNotFound, build_benchmark
from crmcheck.benchmark.records import AssessmentRecord, LoadFailure, Outcome, QuestionnaireScores
from crmcheck.benchmark.tables import Portfolio
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, Problem, UsageError
from crmcheck.models.benchmark import BenchmarkResult, SegmentField
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import UNANSWERED, Response, resolve
from crmcheck.scoring import (
    SectionTally,
    fails_critical,
    section_flags,
    summarise,
    tally_sections,
    weighted_mean,
)
from crmcheck.yamlio import load_mapping, special_kind

ANSWERS_SUFFIXES = (".yaml", ".yml")
PARALLEL_FROM = 100  # files; below this, starting worker processes costs more than it saves
MAX_CHUNK = 64  # files per task sent to a worker


def answers_files(paths: Sequence[str]) -> Iterator[str]:
    """Files as given, plus every *.yaml / *.yml file under the given directories, recursively, one at a time.

    Order is fixed: arguments in the order given, each directory walked in sorted order. Hidden files
    and directories (a leading dot) are skipped, symbolic links to directories are not followed, and a
    file or directory named twice (or inside another one named) is gone through once. A path that does
    not exist is a UsageError, raised here before any file is handed out.
    """
    roots: list[tuple[str, str, bool]] = []
    for given in paths:
        if not os.path.exists(given):
            raise UsageError(f"{given}: no such file or directory")
        roots.append((given, os.path.abspath(given), os.path.isdir(given)))
    return _walk(roots)


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _walk(roots: list[tuple[str, str, bool]]) -> Iterator[str]:
    done_dirs: list[str] = []
    done_files: set[str] = set()
    for given, absolute, is_dir in roots:
        if absolute in done_files or any(_inside(absolute, d) for d in done_dirs):
            continue
        if not is_dir:
            done_files.add(absolute)
            yield os.path.normpath(given)
            continue
        for top, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and os.path.abspath(os.path.join(top, d)) not in done_dirs)
            for name in sorted(files):
                path = os.path.join(top, name)
                if name.endswith(ANSWERS_SUFFIXES) and not name.startswith(".") and (
                        not done_files or os.path.abspath(path) not in done_files):
                    yield os.path.normpath(path)
        done_dirs.append(absolute)


def find_answers_files(paths: Sequence[str]) -> list[str]:
    """`answers_files` as a list."""
    return list(answers_files(paths))


def score_answers_file(path: str, catalog: Catalog) -> Outcome:
    """Load, check and score one answers file into a small record; a bad file becomes a LoadFailure.

    The checks are those of `crmcheck report`: a file this accepts, report accepts, and the other way round.
    Most files take the fast path (`fastpath`: no pydantic models, lookups built once per questionnaire);
    any file it does not plainly accept is loaded the full way, which reports its errors.
    """
    kind = special_kind(path)
    if kind is not None:  # reading a named pipe would wait for ever
        return LoadFailure(path, (str(Problem(f"not a regular file ({kind}); skipped", path)),))
    record = _score_fast(path, catalog)
    return record if record is not None else score_answers_file_fully(path, catalog)


def _scores(key: str, questionnaire: Questionnaire, responses: Mapping[str, Response],
            lens: str | None = None) -> QuestionnaireScores:
    return _summed(key, questionnaire, tally_sections(questionnaire, responses, lens))


def _summed(key: str, questionnaire: Questionnaire, tallies: Sequence[SectionTally]) -> QuestionnaireScores:
    sections = tuple(t.score for t in tallies)
    flags = tuple(section_flags(t) for t in tallies)
    summary = summarise(questionnaire, sections, flags)
    answered = sum(t.answered for t in tallies)
    asked = sum(t.scored - t.not_applicable for t in tallies)
    return QuestionnaireScores(key, sections, summary.score, summary.reached, answered, asked, flags)


def _tallies(table: Compiled, responses: Mapping[str, Response]) -> list[SectionTally]:
    """`scoring.tally_sections`, from the questions' weights and critical marks looked up once."""
    out = []
    for section, questions in table.plan:
        pairs: list[tuple[float, float]] = []
        answered = not_applicable = 0
        critical_failed = False
        for full, weight, critical in questions:
            response = responses.get(full, UNANSWERED)
            status = response.status
            if status == "n/a":
                not_applicable += 1
            elif status == "answered" and response.score is not None:
                answered += 1
                pairs.append((weight, response.score))
                if critical and fails_critical(response):
                    critical_failed = True
        mean = weighted_mean(pairs)
        out.append(SectionTally(section, None if mean is None else 100 * mean, len(questions), answered,
                                not_applicable, critical_failed))
    return out


def _score_fast(path: str, catalog: Catalog) -> AssessmentRecord | None:
    """The record of a file the fast path accepts; None for any other (the full path then decides)."""
    data = fastpath.load_data(path)
    plain = fastpath.check_answers(data) if data is not None else None
    resolved = fastpath.responses(plain, catalog) if plain is not None else None
    if plain is None or resolved is None:
        return None
    if plain.lens != "company" and any(compiled(catalog.get(key)).lens_only for key in resolved):
        return None  # `_tallies` counts every lens's questions; the full path leaves out the ones not asked here
    segment = plain.segment
    return AssessmentRecord(
        file=path, company=plain.company, assessed_on=plain.assessed_on, lens=plain.lens,
        industry=segment.get("industry") if segment else None, size=segment.get("size") if segment else None,
        questionnaires=tuple(_summed(key, table.questionnaire, _tallies(table, responses))
                             for key, responses in resolved.items() for table in [compiled(catalog.get(key))]),
    )


def score_answers_file_fully(path: str, catalog: Catalog) -> Outcome:
    """`score_answers_file` the full way: the loader, models and checks of `crmcheck report`."""
    try:
        source = parse_answers(load_mapping(path))
        answers = source.answers
        scores = []
        for key, given in answers.questionnaires.items():
            questionnaire = catalog.load(key, context=source.doc, keys=("questionnaires", key))
            scores.append(_scores(key, questionnaire, resolve(questionnaire, given, source, key), answers.lens))
    except CrmcheckError as exc:
        from crmcheck.file_kinds import other_kind

        kind = other_kind(path)  # only on this path: an answers file is never read twice
        return LoadFailure(path, () if kind else tuple(exc.lines()), kind)
    segment = answers.segment
    return AssessmentRecord(
        file=path, company=answers.company, assessed_on=answers.assessed_on, lens=answers.lens,
        industry=segment.industry if segment else None, size=segment.size if segment else None,
        questionnaires=tuple(scores),
    )


# ---------------------------------------------------------------------------------------------
# Worker processes

_worker_catalog: Catalog | None = None


def _start_worker(catalog: Catalog | list[str]) -> None:
    """Runs once in each worker: the parent's catalog (inherited when forked) or a fresh one."""
    global _worker_catalog
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_catalog = catalog if isinstance(catalog, Catalog) else Catalog([Path(d) for d in catalog])


def _score_chunk(paths: list[str]) -> list[Outcome]:
    assert _worker_catalog is not None
    return [score_answers_file(path, _worker_catalog) for path in paths]


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _context() -> Any:
    # fork: workers start in milliseconds and inherit the questionnaires already parsed here. Where fork
    # is unsafe or missing (macOS, Windows), the platform default and a catalog rebuilt per worker.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def score_files(paths: Iterable[str], catalog: Catalog, jobs: int = 1, total: int = 0) -> Iterator[Outcome]:
    """Each file's outcome, in the order of `paths`, scored by `jobs` processes (`total`: how many paths
    to expect, to size the work sent to each process)."""
    # Everything alive now (modules, questionnaires) lives to the end: keep the garbage collector from
    # walking it again and again while thousands of files are parsed, and forked workers from copying
    # the pages it would touch.
    gc.freeze()
    try:
        yield from _score_files(iter(paths), catalog, jobs, total)
    finally:
        gc.unfreeze()


def _score_files(paths: Iterator[str], catalog: Catalog, jobs: int, total: int) -> Iterator[Outcome]:
    if jobs <= 1:
        for path in paths:
            yield score_answers_file(path, catalog)
        return
    context = _context()
    forked = context.get_start_method() == "fork"
    chunk = max(4, min(MAX_CHUNK, total // (jobs * 8)))
    window = jobs * 3  # chunks in flight: enough to keep every worker busy, few enough to keep memory flat
    with context.Pool(jobs, initializer=_start_worker,
                      initargs=(catalog if forked else [str(d) for d in catalog.directories],)) as pool:
        pending: deque[Any] = deque()
        while batch := list(itertools.islice(paths, chunk)):
            pending.append(pool.apply_async(_score_chunk, (batch,)))
            if len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


# ---------------------------------------------------------------------------------------------
# The one call behind `crmcheck benchmark`


@dataclass(frozen=True)
class BenchmarkRequest:
    paths: tuple[str, ...]
    company: str | None = None
    by: SegmentField | None = None
    all_dates: bool = False
    rows: bool = False
    jobs: int = 0  # 0: one per usable core when there are many files


def run_benchmark(
    request: BenchmarkRequest,
    catalog: Catalog,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BenchmarkResult:
    """Find, load and score every answers file, then benchmark. Bad files are listed in the result, not raised.

    `on_start(total)` is called once the files are found, `on_progress(done)` after each file.
    """
    total = sum(1 for _ in answers_files(request.paths))  # a first walk, to size the run without a list
    if not total:
        raise UsageError("no answers files found (looked for *.yaml and *.yml in: " + ", ".join(request.paths) + ")")
    for qid in catalog.entries:  # parse questionnaires once here, so that forked workers inherit them
        with contextlib.suppress(CrmcheckError):  # a broken one is reported against each file that uses it
            catalog.get(qid)
    jobs = request.jobs or (usable_cores() if total >= PARALLEL_FROM else 1)
    if on_start is not None:
        on_start(total)
    # company names and file paths are kept only where the result shows them
    portfolio = Portfolio(all_dates=request.all_dates, names=request.company is not None or request.rows)
    for done, outcome in enumerate(score_files(answers_files(request.paths), catalog, jobs, total), 1):
        portfolio.add(outcome)
        if on_progress is not None:
            on_progress(done)
    questionnaires = {qid: catalog.get(qid) for qid in portfolio.tables}
    try:
        return build_benchmark(portfolio, questionnaires, company=request.company, by=request.by, rows=request.rows)
    except CompanyNotFound as exc:
        import difflib

        hint = difflib.get_close_matches(exc.name, exc.known, n=1, cutoff=0.6)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        n_failed = len(portfolio.failed)
        failed = f", {n_failed} {'file' if n_failed == 1 else 'files'} failed to load" if n_failed else ""
        message = (f"company '{exc.name}' has no counted assessment in the portfolio ({len(exc.known)} "
                   f"companies{failed}){suggestion}")
        # the files that failed first: the company may be in one of them
        problems = [Problem(line) for failure in portfolio.failed for line in failure.errors]
        raise UsageError(message, problems=[*problems, Problem(message)]) from None


__all__ = ["BenchmarkRequest", "LoadFailure", "answers_files", "find_answers_files", "run_benchmark",
           "score_answers_file", "score_files", "usable_cores"]
