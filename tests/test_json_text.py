"""JSON documents (crmcheck.json_text) read exactly as json.dumps(data, indent=2, ensure_ascii=False) writes them, but
for floats below 0.0001, written their own way (0.00001, 2.5e-7) and read back the same: checked on generated JSON
data and on the reports themselves."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crmcheck.json_text import json_document
from tests.conftest import EXAMPLES, run_cli

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)  # any character but a lone surrogate
_SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | _TEXT | st.floats(
    allow_nan=False, allow_infinity=False)
_DATA = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                     max_leaves=25)


def _has_small_float(data: Any) -> bool:
    if isinstance(data, float):
        return 0 < abs(data) < 1e-4
    if isinstance(data, list):
        return any(_has_small_float(item) for item in data)
    if isinstance(data, dict):
        return any(_has_small_float(item) for item in data.values())
    return False


@settings(max_examples=1500, deadline=None)
@given(_DATA)
def test_json_documents_read_as_json_dumps_writes_them(data: Any) -> None:
    text = json_document(data)
    assert json.loads(text) == data or (isinstance(data, float) and math.isclose(json.loads(text), data))
    if not _has_small_float(data):
        assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_small_floats_are_written_their_own_way_and_read_back_the_same() -> None:
    text = json_document({"share": 1e-05, "tiny": -2.5e-07})
    assert text == '{\n  "share": 0.00001,\n  "tiny": -2.5e-7\n}\n'
    assert json.loads(text) == {"share": 1e-05, "tiny": -2.5e-07}


def test_what_the_fast_writer_cannot_write_goes_to_json_dumps() -> None:
    assert json_document({"odd": "\ud800"}) == json.dumps({"odd": "\ud800"}, indent=2, ensure_ascii=False) + "\n"


def test_the_json_report_is_json_dumps_text() -> None:
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "json")
    assert run.code == 0
    assert run.out == json.dumps(json.loads(run.out), indent=2, ensure_ascii=False) + "\n"
