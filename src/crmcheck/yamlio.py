"""Strict YAML loading with node positions, and atomic file writing."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from crmcheck.errors import InputError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40

# Any value nested N deep needs N structural characters; below this count the
# C composer (which recurses in C and can overflow the stack) is safe to call
# without first checking depth on the event stream.
_DEPTH_PRESCAN_THRESHOLD = 2000

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


class _Loader(yaml.CSafeLoader):
    """libyaml composer with no implicit typing: plain scalars stay text until we type them."""


_Loader.yaml_implicit_resolvers = {}


class DecimalText(float):
    """A float that remembers how it was written, so `1.50` can be read back as text."""

    text: str


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
                for kn, vn in node.value:
                    if kn.value == k:
                        key_node, child = kn, vn
                        break
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


def _fail(path: str, mark: Any, message: str) -> InputError:
    return InputError(message, file=path, line=mark.line + 1, column=mark.column + 1)


def _decode(path: str, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16 encoded; save it as UTF-8", file=path, line=1, column=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            file=path,
            line=line,
            column=column,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise InputError("NUL byte in file; this is not a text file", file=path, line=line, column=column)
    return text


def _prescan(path: str, text: str) -> None:
    """Reject anchors, aliases, tags and deep nesting from the event stream, before composing."""
    bound = sum(text.count(c) for c in "[{-:?")
    if bound < _DEPTH_PRESCAN_THRESHOLD and not any(c in text for c in "&*!"):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise _fail(path, event.start_mark, "aliases (*name) are not allowed; write the value out")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise _fail(path, event.start_mark, f"anchors (&{anchor}) are not allowed; write the value out")
            tag = getattr(event, "tag", None)
            if tag is not None and not (isinstance(event, yaml.ScalarEvent) and event.implicit[0]):
                raise _fail(path, event.start_mark, f"tags ({tag}) are not allowed")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _fail(path, event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, exc) from None


def _yaml_error(path: str, exc: yaml.MarkedYAMLError) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{problem} ({exc.context})"
    if mark is None:
        return InputError(f"invalid YAML: {problem}", file=path, line=1, column=1)
    return _fail(path, mark, f"invalid YAML: {problem}")


def _scalar(path: str, node: yaml.ScalarNode) -> Any:
    if node.tag != _STR_TAG:
        raise _fail(path, node.start_mark, f"tags ({node.tag}) are not allowed")
    return _typed(path, node.value, node.style, node.start_mark)


def _typed(path: str, value: str, style: str | None, mark: Any) -> Any:
    """Type a scalar as YAML 1.2's core schema does, keeping YAML 1.1 look-alikes (yes, 1:30, 010) as text."""
    if style:  # quoted or block: always text
        return value
    if not value or value in _NULLS:
        return None if value in _NULLS else value
    first = value[0]
    if first in "0123456789-+.":
        if len(value) > MAX_NUMBER_CHARS and (_INT.match(value) or _FLOAT.match(value)):
            raise _fail(path, mark, f"number with {len(value)} characters is too long")
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            number = DecimalText(value)
            number.text = value
            return number
        if _SPECIAL_FLOAT.match(value):
            raise _fail(path, mark, f"{value} is not allowed; use a finite number")
        return value
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return value


def read_header(path: Path | str, fields: frozenset[str]) -> tuple[dict[str, Any], dict[str, Position]]:
    """The top-level scalar fields of a mapping file, reading only as far as needed.

    For listing many files quickly: values are typed like `parse` types them, collections are
    skipped, and reading stops once every wanted field was seen. Full checks happen on `load`.
    """
    name = str(path)
    text = read_text(path)
    values: dict[str, Any] = {}
    positions: dict[str, Position] = {}
    depth = 0
    key: str | None = None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth == 1 and not isinstance(event, yaml.MappingStartEvent):
                    break
                if depth == 2:
                    key = None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                if depth == 1:
                    key = None
            elif isinstance(event, yaml.ScalarEvent) and depth == 1:
                if key is None:
                    key = event.value
                    mark = event.start_mark
                    positions[key] = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
                else:
                    if key in fields:
                        values[key] = _typed(name, event.value, event.style, event.start_mark)
                    key = None
                if fields <= values.keys():
                    break
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(name, exc) from None
    return values, positions


def _construct(path: str, node: yaml.Node, depth: int) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(path, node)
    if depth >= MAX_DEPTH:
        raise _fail(path, node.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP_TAG:
            raise _fail(path, node.start_mark, f"tags ({node.tag}) are not allowed")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _fail(path, key_node.start_mark, "a mapping key must be a plain value, not a list or mapping")
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise _fail(path, key_node.start_mark, "merge keys (<<) are not allowed")
            if key in result:
                raise _fail(path, key_node.start_mark, f"duplicate key '{key}'")
            result[key] = _construct(path, value_node, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ_TAG:
            raise _fail(path, node.start_mark, f"tags ({node.tag}) are not allowed")
        return [_construct(path, item, depth + 1) for item in node.value]
    raise _fail(path, node.start_mark, "unsupported YAML node")  # pragma: no cover


def parse(text: str, path: str) -> Document:
    """Parse YAML text strictly; `path` is only used in messages."""
    _prescan(path, text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.composer.ComposerError as exc:
        if exc.problem and "expected a single document" in exc.problem:
            mark = exc.problem_mark
            raise InputError(
                "several YAML documents in one file; keep one (remove the extra '---')",
                file=path,
                line=mark.line + 1 if mark else 1,
                column=mark.column + 1 if mark else 1,
            ) from None
        raise _yaml_error(path, exc) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=path, line=1, column=1) from None
    if root is None:
        raise InputError("file is empty (or holds only comments)", file=path, line=1, column=1)
    return Document(path, _construct(path, root, 0), root)


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file within the size cap, as an InputError on any failure."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=name) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=name, line=1, column=1)
    return _decode(name, raw)


def load(path: Path | str) -> Document:
    """Read and parse one YAML file strictly."""
    return parse(read_text(path), str(path))


def load_mapping(path: Path | str) -> Document:
    """Load a YAML file whose top level must be a mapping."""
    doc = load(path)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise doc.error(f"the top level must be a mapping of fields, not {kind}")
    return doc


@contextlib.contextmanager
def _temp_beside(target: Path) -> Iterator[tuple[int, str]]:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        yield fd, tmp
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write a file so that a crash at any moment leaves the old or the new file, never a mix.

    The temp file lives in the target's directory (so rename is atomic), is fsynced before the
    rename, and takes the permissions of the file it replaces.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        with _temp_beside(target) as (fd, tmp):
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
