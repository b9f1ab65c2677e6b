"""How a plain scalar is typed: YAML 1.2 core numbers, booleans and nulls; every other value stays text."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from crmcheck.yamlio.messages import error_at, tag_error

MAX_NUMBER_CHARS = 40


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"


class DecimalText(float):
    """A float that remembers how it was written, so `1.50` can be read back as text."""

    text: str


def scalar(path: str, node: yaml.ScalarNode) -> Any:
    if node.tag != STR_TAG:
        raise tag_error(path, node.start_mark, node.tag)
    return typed(path, node.value, node.style, node.start_mark)


def typed(path: str, value: str, style: str | None, mark: Any) -> Any:
    """Type a scalar as YAML 1.2's core schema does, keeping YAML 1.1 look-alikes (yes, 1:30, 010) as text."""
    if style:  # quoted or block: always text
        return value
    if not value or value in _NULLS:
        return None if value in _NULLS else value
    first = value[0]
    if first in "0123456789-+.":
        is_number = _INT.match(value) or _FLOAT.match(value)
        if is_number and len(value) > MAX_NUMBER_CHARS:
            raise error_at(path, mark, f"a number written with {len(value)} characters is too long "
                                    f"(at most {MAX_NUMBER_CHARS})")
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            number = DecimalText(value)
            if not math.isfinite(number):
                raise error_at(path, mark, f"{value} is too large to be a number")
            number.text = value
            return number
        if _SPECIAL_FLOAT.match(value):
            raise error_at(path, mark, f"{value} is not allowed; use a finite number")
        return value
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return value
