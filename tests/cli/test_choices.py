"""The CLI's choices that name model values are the model's values: a lens added to the answers file's respondent, or
a segment field added to its segment, must be offered by the CLI the same day (the format choices are tied to the
format registry in test_formats.py)."""

from __future__ import annotations

from typing import get_args

from crmcheck.answers.model import Respondent, Segment
from crmcheck.cli.options import Lens
from crmcheck.cli.reporting import SegmentChoice
from crmcheck.models.benchmark import SegmentField


def test_lens_choices_are_the_answers_files_lenses() -> None:
    assert {lens.value for lens in Lens} == set(get_args(Respondent.model_fields["lens"].annotation))
    assert Respondent.model_fields["lens"].default == "company"


def test_segment_choices_are_the_answers_files_segment_fields() -> None:
    assert {choice.value for choice in SegmentChoice} == set(Segment.model_fields) == set(get_args(SegmentField))
