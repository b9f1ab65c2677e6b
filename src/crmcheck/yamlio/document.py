"""A parsed YAML file: its plain data and its node tree, walked for a line and column only when an error needs one."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from crmcheck.errors import InputError


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Document:
    """A parsed YAML file: plain Python data plus the nodes to find positions on demand."""

    path: str
    data: Any
    root: yaml.Node | None
    # key -> (key node, value node) per mapping node, built on first use: a file with thousands
    # of bad entries asks for thousands of positions, and a scan per lookup would be quadratic
    _keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict, repr=False)

    def _entry(self, node: yaml.MappingNode, key: Any) -> tuple[yaml.Node, yaml.Node] | None:
        index = self._keys.get(id(node))
        if index is None:
            with collector_paused():  # thousands of new tuples would set off passes over every node
                index = self._keys[id(node)] = {kn.value: (kn, vn) for kn, vn in reversed(node.value)}
        return index.get(key) if isinstance(key, str) else None

    def position(self, keys: tuple[Any, ...], *, key: bool = False) -> Position:
        """Position of the deepest node reached by following `keys` (of the key node if `key`)."""
        node = self.root
        if node is None:
            return Position(1, 1)
        found = node
        key_node = None
        for k in keys:
            child = None
            if isinstance(node, yaml.MappingNode):
                entry = self._entry(node, k)
                if entry is not None:
                    key_node, child = entry
            elif isinstance(node, yaml.SequenceNode) and isinstance(k, int) and 0 <= k < len(node.value):
                child, key_node = node.value[k], None
            if child is None:
                key_node = None
                break
            node = found = child
        target = key_node if key and key_node is not None else found
        return Position(target.start_mark.line + 1, target.start_mark.column + 1)

    def error(self, message: str, keys: tuple[Any, ...] = (), *, key: bool = False) -> InputError:
        pos = self.position(keys, key=key)
        return InputError(message, file=self.path, line=pos.line, column=pos.column)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while building nodes: they hold no cycles, and on a large file its
    repeated passes over the growing node graph cost more than the parse itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
