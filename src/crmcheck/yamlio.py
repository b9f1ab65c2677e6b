"""Strict YAML loading with node positions, and atomic file writing."""

from __future__ import annotations

import contextlib
import gc
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from crmcheck.errors import InputError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40

# Any value nested N deep needs N structural characters; below this count the
# C composer (which recurses in C and can overflow the stack) is safe to call
# without first checking depth on the event stream.
DEPTH_PRESCAN_THRESHOLD = 2000

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
# Characters YAML does not allow in a stream (libyaml's reader rejects them with a message that
# has no usable position); we find them first so that the error points at the character.
NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_DEFAULT_TAGS = {yaml.ScalarNode: _STR_TAG, yaml.SequenceNode: _SEQ_TAG, yaml.MappingNode: _MAP_TAG}


class StrictLoader(yaml.CSafeLoader):
    """libyaml composer with no implicit typing: plain scalars stay text until we type them."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        # Called by the composer for every untagged node. With no implicit or path resolvers the
        # answer is always the kind's default tag; this skips the generic lookup (a hot path).
        return _DEFAULT_TAGS[kind]


StrictLoader.yaml_implicit_resolvers = {}


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


def _fail(path: str, mark: Any, message: str) -> InputError:
    return InputError(message, file=path, line=mark.line + 1, column=mark.column + 1)


def _at_index(path: str, text: str, index: int, message: str) -> InputError:
    """An error at a character index of the decoded text."""
    line_start = text.rfind("\n", 0, index) + 1
    return InputError(message, file=path, line=text.count("\n", 0, index) + 1, column=index - line_start + 1)


def _utf16_without_bom(raw: bytes) -> bool:
    """Whether the bytes look like UTF-16 text with no byte-order mark: NUL in every other byte."""
    sample = raw[:256]
    high, low = sample[1::2], sample[0::2]
    for zeros, others in ((high, low), (low, high)):
        if len(zeros) >= 2 and zeros.count(0) * 2 >= len(zeros) and others.count(0) == 0:
            return True
    return False


def _decode(path: str, raw: bytes) -> str:
    """UTF-8 text (a leading BOM is dropped); any other encoding is an error naming the byte offset."""
    bom = 0
    if raw.startswith(b"\xef\xbb\xbf"):
        bom = 3
    elif raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError("file is UTF-32 encoded (byte-order mark at offset 0); save it as UTF-8",
                         file=path, line=1, column=1)
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16 encoded (byte-order mark at offset 0); save it as UTF-8",
                         file=path, line=1, column=1)
    if _utf16_without_bom(raw[bom:]):
        offset = raw.index(b"\x00", bom)
        raise InputError(f"file looks UTF-16 encoded (NUL bytes between the characters, the first at offset {offset}); "
                         "save it as UTF-8", file=path, line=1, column=1)
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[bom : bom + exc.start].decode("utf-8")
        return_error = _at_index(
            path, good + "?", len(good),
            f"not valid UTF-8: byte 0x{raw[bom + exc.start]:02x} at offset {bom + exc.start} "
            "(the file may be Latin-1 or Windows-1252); save it as UTF-8",
        )
        raise return_error from None
    bad = NOT_PRINTABLE.search(text)
    if bad is not None:
        index = bad.start()
        offset = bom + len(text[:index].encode("utf-8"))
        if bad.group() == "\x00":
            message = f"NUL byte at offset {offset}; this is not a text file"
        else:
            message = f"control character U+{ord(bad.group()):04X} at offset {offset} is not allowed in YAML"
        raise _at_index(path, text, index, message)
    return text


def _tag_as_written(tag: str) -> str:
    return "!!" + tag[len(_STANDARD_TAG_PREFIX) :] if tag.startswith(_STANDARD_TAG_PREFIX) else tag


def _tag_error(path: str, mark: Any, tag: str) -> InputError:
    return _fail(path, mark, f"tags ({_tag_as_written(tag)}) are not allowed; write the plain value "
                             "(in quotes if it must stay text)")


def prescan(path: str, text: str) -> None:
    """Reject anchors, aliases, tags and deep nesting from the event stream, before composing.

    libyaml's composer recurses once per nesting level and overflows the C stack (a segfault, not
    an exception) on files nested some ten thousand levels deep, so depth must be checked on the
    flat event stream first. Every nesting level needs one of `[{-:?`, so files with few of them
    (nearly all real files) skip the extra pass.
    """
    bound = sum(text.count(c) for c in "[{-:?")
    if bound < DEPTH_PRESCAN_THRESHOLD and not any(c in text for c in "&*!"):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=StrictLoader):
            if isinstance(event, yaml.AliasEvent):
                raise _fail(path, event.start_mark, f"aliases (*{event.anchor}) are not allowed; write the value out")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise _fail(path, event.start_mark, f"anchors (&{anchor}) are not allowed; write the value out")
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise _tag_error(path, event.start_mark, tag)
            depth = _nest(path, event, depth)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, text, exc) from None


def _nest(path: str, event: yaml.Event, depth: int) -> int:
    """The nesting depth after `event`; an error once it passes MAX_DEPTH."""
    if isinstance(event, yaml.CollectionStartEvent):
        if depth >= MAX_DEPTH:
            raise _fail(path, event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
        return depth + 1
    if isinstance(event, yaml.CollectionEndEvent):
        return depth - 1
    return depth


def _depth_error(path: str, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    """Our own depth message where libyaml stopped first at its own limit (1,000 levels since PyYAML 6.0.4).

    libyaml's scanner looks ahead through a whole run of `[` before the parser emits the event that is
    65 levels deep, so the place is found again with PyYAML's pure-Python parser, which has no limit of
    its own and stops here as soon as it passes ours. Only files already known to be too deep take this path.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            depth = _nest(path, event, depth)
    except InputError as error:
        return error
    except yaml.MarkedYAMLError:
        pass
    mark = exc.problem_mark or exc.context_mark
    message = f"nesting deeper than {MAX_DEPTH} levels"
    return _fail(path, mark, message) if mark is not None else InputError(message, file=path, line=1, column=1)


def _char_at(text: str, mark: Any) -> str:
    index = getattr(mark, "index", None)
    return text[index] if isinstance(index, int) and 0 <= index < len(text) else ""


def _yaml_error(path: str, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    """libyaml's error in plain words, at the place a person would look to fix it."""
    if "maximum nesting depth" in (exc.problem or ""):
        return _depth_error(path, text, exc)
    problem = (exc.problem or "invalid YAML").strip()
    context = (exc.context or "").strip()
    mark, start = exc.problem_mark, exc.context_mark
    where = f"line {start.line + 1}, column {start.column + 1}" if start is not None else ""
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    if "tab" in problem or (problem.startswith("found character that cannot start") and _char_at(text, mark) == "\t"):
        message = "invalid YAML: a tab character is used for indentation; indent with spaces"
    elif problem.startswith("found character that cannot start any token"):
        message = f"invalid YAML: a plain value cannot start with '{_char_at(text, mark)}'; put the value in quotes"
    elif "quoted scalar" in context and "end of stream" in problem and start is not None:
        quote = _char_at(text, start) or '"'
        message = f"invalid YAML: the quoted text that starts here has no closing {quote}"
        mark = start
    elif context.startswith("while parsing a flow sequence") and start is not None:
        message = f"invalid YAML: expected ',' or ']' in the list opened at {where} (is a ']' missing?)"
    elif context.startswith("while parsing a flow mapping") and start is not None:
        message = f"invalid YAML: expected ',' or '}}' in the mapping opened at {where} (is a '}}' missing?)"
    elif problem.startswith("did not find expected key") and start is not None:
        message = ("invalid YAML: expected a key here; check that this line is indented like the other keys of "
                   f"the mapping at {where}, and that a quoted value is not followed by more text"
                   + _block_before(text, mark))
    elif "could not find expected ':'" in problem and "simple key" in context and start is not None:
        # libyaml reads on through the following lines, looking for the ':' of a key; the line to fix is the
        # one where that key would start: usually a line of text indented less than the text above it
        end = f" (read on to line {mark.line + 1} looking for its ':')" if mark is not None and mark.line > start.line \
            else ""
        message = (f"invalid YAML: this line is read as a key without ':'{end}; check its indentation: a line of "
                   "text indented less than the text above it ends that text, and a key needs ': ' after it")
        mark = start
    elif problem.startswith("did not find expected '-' indicator") and start is not None:
        message = f"invalid YAML: expected a list item ('- ') here, in line with the list at {where}"
    elif problem.startswith("mapping values are not allowed"):
        message = ("invalid YAML: unexpected ':'; put a value that contains ': ' in quotes, and check the "
                   "indentation of this line")
    if mark is None:
        return InputError(message, file=path, line=1, column=1)
    return _fail(path, mark, message)


def _block_before(text: str, mark: Any) -> str:
    """Which key's block ended above a line that fits no mapping: the nearest key above it that is indented less,
    when that is not the line just above. The line out of line may be that key, or the first line of its block,
    far above the place libyaml stopped."""
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line >= len(lines):
        return ""

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def content(line: str) -> bool:
        return bool(line.strip()) and not line.strip().startswith("#")

    here = mark.line
    above = [n for n in range(here - 1, -1, -1) if content(lines[n])]
    key_line = next((n for n in above if indent(lines[n]) < indent(lines[here])), None)
    if key_line is None or key_line == above[0] or ":" not in lines[key_line]:
        return ""
    key = lines[key_line].strip().split(":", 1)[0].lstrip("-{[ ").strip("'\"")[:40]
    first = next(n for n in range(key_line + 1, here) if content(lines[n]))
    return (f"; the block of '{key}' (line {key_line + 1}) above it runs from line {first + 1} to line {above[0] + 1}, "
            f"indented {indent(lines[first])} spaces: if line {first + 1} or line {key_line + 1} is the one out of "
            "line, fix that one")


def _scalar(path: str, node: yaml.ScalarNode) -> Any:
    if node.tag != _STR_TAG:
        raise _tag_error(path, node.start_mark, node.tag)
    return _typed(path, node.value, node.style, node.start_mark)


def _typed(path: str, value: str, style: str | None, mark: Any) -> Any:
    """Type a scalar as YAML 1.2's core schema does, keeping YAML 1.1 look-alikes (yes, 1:30, 010) as text."""
    if style:  # quoted or block: always text
        return value
    if not value or value in _NULLS:
        return None if value in _NULLS else value
    first = value[0]
    if first in "0123456789-+.":
        is_number = _INT.match(value) or _FLOAT.match(value)
        if is_number and len(value) > MAX_NUMBER_CHARS:
            raise _fail(path, mark, f"a number written with {len(value)} characters is too long "
                                    f"(at most {MAX_NUMBER_CHARS})")
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            number = DecimalText(value)
            if not math.isfinite(number):
                raise _fail(path, mark, f"{value} is too large to be a number")
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
        for event in yaml.parse(text, Loader=StrictLoader):
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
        raise _yaml_error(name, text, exc) from None
    return values, positions


def construct(path: str, node: yaml.Node, depth: int) -> Any:
    # Scalars are typed inline in the loops below (one call fewer per value: this runs for every node).
    scalar_node = yaml.ScalarNode
    if node.__class__ is scalar_node:
        return _scalar(path, node)
    if depth >= MAX_DEPTH:
        raise _fail(path, node.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP_TAG:
            raise _tag_error(path, node.start_mark, node.tag)
        result: dict[str, Any] = {}
        first_at: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not scalar_node:
                raise _fail(path, key_node.start_mark, "a mapping key must be a plain value, not a list or mapping")
            if key_node.tag != _STR_TAG:
                raise _tag_error(path, key_node.start_mark, key_node.tag)
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise _fail(path, key_node.start_mark, "merge keys (<<) are not allowed; write the fields out")
            if key in result:
                raise _fail(path, key_node.start_mark, f"duplicate key '{key}' (first given on line {first_at[key]})")
            first_at[key] = key_node.start_mark.line + 1
            result[key] = (_scalar(path, value_node) if value_node.__class__ is scalar_node
                           else construct(path, value_node, depth + 1))
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ_TAG:
            raise _tag_error(path, node.start_mark, node.tag)
        return [_scalar(path, item) if item.__class__ is scalar_node else construct(path, item, depth + 1)
                for item in node.value]
    raise _fail(path, node.start_mark, "unsupported YAML node")  # pragma: no cover


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


def parse(text: str, path: str) -> Document:
    """Parse YAML text strictly; `path` is only used in messages."""
    with collector_paused():
        return _parse(text, path)


def _parse(text: str, path: str) -> Document:
    prescan(path, text)
    try:
        root = yaml.compose(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as exc:
        if "expected a single document" in (exc.context or ""):
            mark = exc.problem_mark
            raise InputError(
                "a second YAML document starts here; keep one document per file (remove this '---' and "
                "what follows, or split the file)",
                file=path,
                line=mark.line + 1 if mark else 1,
                column=mark.column + 1 if mark else 1,
            ) from None
        raise _yaml_error(path, text, exc) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise InputError(f"invalid YAML: {message}", file=path, line=1, column=1) from None
    if root is None:
        what = "file is empty" if not text.strip() else "file holds only comments"
        raise InputError(f"{what}; expected a YAML mapping of fields", file=path, line=1, column=1)
    return Document(path, construct(path, root, 0), root)


def special_kind(path: Path | str) -> str | None:
    """What a path is when it exists but is not a regular file (or a link to one): reading a named pipe blocks
    until someone writes, and a device may never end. None for a regular file, a directory or nothing there."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def open_regular(path: Path | str) -> BinaryIO:
    """The file open for reading, refused (OSError, or InputError naming what it is) unless it is a regular file.

    It is opened without blocking, so that a named pipe nobody writes to opens at once and is refused
    instead of waiting for ever; a device (/dev/zero, a terminal) is refused before a byte is read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
                 | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device")
            raise InputError(f"not a regular file ({kind}); give a file", file=str(path), line=1, column=1)
        return os.fdopen(fd, "rb")  # O_NONBLOCK changes nothing for a regular file: it may stay set
    except BaseException:
        os.close(fd)
        raise


def read_capped(handle: BinaryIO) -> bytes:
    """A whole open file's bytes, up to one byte past MAX_BYTES (which tells a file that is too large).

    The read is sized by fstat, plus one byte: asking for the cap itself made every read allocate 8 MiB. When
    that byte comes back the file holds more than fstat said (it grew, or it is a pipe or a /proc file, which
    say 0): the rest is read, up to the cap, as before."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        size = 0
    want = min(size, MAX_BYTES) + 1
    raw = handle.read(want)
    if len(raw) == want and want <= MAX_BYTES:
        raw += handle.read(MAX_BYTES + 1 - len(raw))
    return raw


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file within the size cap, as an InputError on any failure.

    Reading stops one byte past the cap, so a huge file (or an endless device) costs no more.
    """
    name = str(path)
    try:
        with open_regular(path) as handle:  # never a pipe or device: reading one could block for ever
            raw = read_capped(handle)
    except FileNotFoundError:
        raise InputError("no such file", file=name, line=1, column=1) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name, line=1, column=1) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=name, line=1, column=1) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; this is not a questionnaire or "
                         "answers file", file=name, line=1, column=1)
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


def _create_temp(target: Path, mode: int) -> tuple[int, str]:
    """A new temp file beside `target`, created with `mode` less the umask by the kernel itself.

    The process umask is never read by setting it (os.umask(0) and back): threads write files too (the
    collect server saves from a thread pool), and a file created by one while another had it at 0 would be
    world-writable.
    """
    import secrets  # here, not at the top: most runs write nothing

    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                           | getattr(os, "O_BINARY", 0), mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp file name beside {target}")


@contextlib.contextmanager
def _temp_beside(target: Path, mode: int = 0o600) -> Iterator[tuple[int, str]]:
    fd, tmp = _create_temp(target, mode)
    try:
        yield fd, tmp
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_in_place(target: Path, data: bytes) -> None:
    try:
        with open(target, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None


def _refuse_read_only(target: Path, mode: int) -> None:
    """Refuse a file the shell's `>` would refuse. Root may write anything, so its mode bits decide too:
    a file without any write bit was made read-only on purpose."""
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise InputError(f"cannot write: the file is read-only (mode {mode:04o}); make it writable (chmod u+w) "
                         "or write to another file", file=str(target))


def _make_parents(target: Path) -> None:
    """Create the missing folders above a new file, as `-o reports/2026/crm.md` asks."""
    parent = target.parent
    if parent.is_dir():
        return
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"cannot create the folder {parent}: a file of that name is in the way",
                         file=str(target)) from None
    except OSError as exc:
        raise InputError(f"cannot create the folder {parent}: {exc.strerror or exc}", file=str(target)) from None


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write a file so that a crash at any moment leaves the old or the new file, never a mix.

    The temp file lives in the target's directory (so rename is atomic), is fsynced before the
    rename, and takes the permissions of the file it replaces. A read-only file is refused, as the shell's `>`
    refuses it; missing parent folders of a new file are created.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        info = os.stat(target)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", file=str(target))
        if not stat.S_ISREG(info.st_mode):
            # a device or pipe (/dev/null, /dev/stdout, a FIFO): renaming over it would replace it
            _write_in_place(target, data)
            return
        mode: int | None = stat.S_IMODE(info.st_mode)
        _refuse_read_only(target, stat.S_IMODE(info.st_mode))
    except FileNotFoundError:
        mode = None  # a new file: created 0666 less the umask, as `open(..., "w")` makes it
        _make_parents(target)
    except NotADirectoryError:
        raise InputError("cannot write: a part of the path is a file, not a folder", file=str(target)) from None
    try:
        with _temp_beside(target, 0o600 if mode is not None else 0o666) as (fd, tmp):
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:  # the permissions of the file replaced
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
