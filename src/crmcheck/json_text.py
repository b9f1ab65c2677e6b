"""JSON documents as every JSON output writes them: two-space indents, text as it is (UTF-8, no \\u escapes but for
control characters), a final newline.

They are written by pydantic-core's serializer (compiled; `json.dumps` with an indent runs in Python, some 7 ms for
a report's 370 kB) and read the same as `json.dumps(data, indent=2, ensure_ascii=False)` writes them, character for
character, but for one thing: a float below 0.0001 is written its own way (0.00001 and 2.5e-7 where json.dumps
writes 1e-05 and 2.5e-07), the same number to every JSON reader (tests/test_json_text.py). Data it cannot write (a
lone surrogate; a value that is not JSON) goes to json.dumps, which writes it or says what is wrong as before."""

from __future__ import annotations

import json
from typing import Any


def json_document(data: Any) -> str:
    from pydantic_core import PydanticSerializationError, to_json

    try:
        return to_json(data, indent=2).decode() + "\n"
    except (PydanticSerializationError, UnicodeDecodeError):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
