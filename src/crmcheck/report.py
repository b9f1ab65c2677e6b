"""The report's entry point: what `crmcheck report` scores, one assessment (with its baseline) or many respondents."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from crmcheck.assessment import answers_files, assess_paths
from crmcheck.baseline import assess, compare_with, load_baseline
from crmcheck.catalog import Catalog
from crmcheck.errors import Problem, UsageError
from crmcheck.models.result import AssessmentResult


def assess_with_baseline(
    path: str, baseline: str | None, catalog: Catalog, baseline_catalog: Catalog | None = None
) -> AssessmentResult:
    """`crmcheck report NEW --baseline OLD`: the newer assessment, with its comparison when a baseline is given."""
    newer = assess(path, catalog)
    if baseline is None:
        return newer.result
    comparison = compare_with(newer, load_baseline(baseline, newer, baseline_catalog or catalog))
    return newer.result.model_copy(update={"comparison": comparison})


def assess_report(
    paths: Sequence[str], catalog: Catalog, *, baseline: str | None = None, baseline_catalog: Catalog | None = None,
    show_respondents: bool = False, skipped: list[Problem] | None = None, min_answered: Fraction | None = None,
    other_kinds: list[tuple[str, str]] | None = None,
) -> AssessmentResult:
    """`crmcheck report`: one answers file (with its baseline, if given) or several respondents together.
    Special files (named pipes, devices) in directories are left out and listed in `skipped`; policies,
    selections, score cards and questionnaires in directories in `other_kinds`."""
    if baseline is None or min_answered is not None:
        if baseline is not None:
            raise UsageError("--min-answered leaves out respondents of several; --baseline compares one assessment: "
                             "give one or the other")
        return assess_paths(paths, catalog, show_respondents=show_respondents, skipped=skipped,
                            min_answered=min_answered, other_kinds=other_kinds)
    files = answers_files(paths, skipped, other_kinds)
    if len(files) > 1:
        raise UsageError(f"--baseline compares one assessment with an earlier one; {len(files)} answers files "
                         "were given (compare respondents' reports without --baseline)")
    return assess_with_baseline(files[0], baseline, catalog, baseline_catalog)
