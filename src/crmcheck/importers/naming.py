"""Naming respondents' answers files: by respondent id when every row has a distinct one, else by row number."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

_FILE_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_id(respondent_id: str | None) -> str:
    return _FILE_SAFE.sub("-", respondent_id or "").strip("-")[:40]


class Names:
    """The answers files' names: by respondent id when every row has a distinct one, else by row number.

    Known only once every row is read, so what is kept per row is small: the row number and, while every row
    so far has a distinct id, the ids (to find a repeat).
    """

    def __init__(self, lens: str) -> None:
        self.lens = lens
        self.ids: dict[str, None] | None = {}  # in row order; None once an id is missing or repeated
        self.rows = array("I")  # 4 bytes a row

    def add(self, row: int, safe_id: str) -> None:
        self.rows.append(row)
        if self.ids is not None:
            if not safe_id or safe_id in self.ids:
                self.ids = None
            else:
                self.ids[safe_id] = None

    @functools.cached_property
    def _digits(self) -> int:
        return max(3, len(str(max(self.rows, default=0))))

    def name(self, row: int, safe_id: str) -> str:
        if self.ids is not None:
            return f"{self.lens}-{safe_id}.yaml"
        return f"{self.lens}-row-{row:0{self._digits}d}.yaml"

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[str]:
        """Every name, in row order."""
        if self.ids is not None:
            return (f"{self.lens}-{safe_id}.yaml" for safe_id in self.ids)
        return (self.name(row, "") for row in self.rows)

    def nth(self, index: int) -> str:
        return next(itertools.islice(self, index, None))

    def holds(self, name: str) -> bool:
        prefix = f"{self.lens}-"
        if not (name.startswith(prefix) and name.endswith(".yaml")):
            return False
        middle = name[len(prefix):-len(".yaml")]
        if self.ids is not None:
            return middle in self.ids
        number = middle.removeprefix("row-")
        if number == middle or len(number) != self._digits or not number.isascii() or not number.isdigit():
            return False
        found = bisect.bisect_left(self.rows, int(number))
        return found < len(self.rows) and self.rows[found] == int(number)


class WrittenFiles(Sequence[Path]):
    """The answers files an import wrote, in row order; their names are made again when asked, not held."""

    def __init__(self, out: Path, names: Names) -> None:
        self._out = out
        self._names = names

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | Sequence[Path]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._out / self._names.nth(index)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, Path) and item.parent == self._out and self._names.holds(item.name)
