"""Strict YAML loading with node positions, and atomic file writing (the names every caller imports).

The jobs live in their own modules: reading.py (bytes within the cap, UTF-8 text), parsing.py (strict
loading), values.py (how a plain scalar is typed), document.py (data plus positions on demand), messages.py
(errors in plain words) and writing.py (atomic writes).
"""

from crmcheck.yamlio.document import Document, Position, collector_paused
from crmcheck.yamlio.messages import MAX_DEPTH
from crmcheck.yamlio.parsing import (
    DEPTH_PRESCAN_THRESHOLD,
    StrictLoader,
    construct,
    load,
    load_mapping,
    parse,
    prescan,
    read_header,
)
from crmcheck.yamlio.reading import MAX_BYTES, NOT_PRINTABLE, open_regular, read_capped, read_text, special_kind
from crmcheck.yamlio.values import MAX_NUMBER_CHARS, DecimalText
from crmcheck.yamlio.writing import write_atomic

__all__ = [
    "DEPTH_PRESCAN_THRESHOLD",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "NOT_PRINTABLE",
    "DecimalText",
    "Document",
    "Position",
    "StrictLoader",
    "collector_paused",
    "construct",
    "load",
    "load_mapping",
    "open_regular",
    "parse",
    "prescan",
    "read_capped",
    "read_header",
    "read_text",
    "special_kind",
    "write_atomic",
]
