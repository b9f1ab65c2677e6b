"""Strict YAML loading: libyaml with no implicit typing, no anchors, aliases, tags or merge keys, bounded nesting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crmcheck.errors import InputError
from crmcheck.yamlio.document import Document, Position, collector_paused
from crmcheck.yamlio.messages import MAX_DEPTH, error_at, nest, tag_error, yaml_error
from crmcheck.yamlio.reading import read_text
from crmcheck.yamlio.values import MAP_TAG, SEQ_TAG, STR_TAG, scalar, typed

# Any value nested N deep needs N structural characters; below this count the
# C composer (which recurses in C and can overflow the stack) is safe to call
# without first checking depth on the event stream.
DEPTH_PRESCAN_THRESHOLD = 2000


_DEFAULT_TAGS = {yaml.ScalarNode: STR_TAG, yaml.SequenceNode: SEQ_TAG, yaml.MappingNode: MAP_TAG}


class StrictLoader(yaml.CSafeLoader):
    """libyaml composer with no implicit typing: plain scalars stay text until we type them."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        # Called by the composer for every untagged node. With no implicit or path resolvers the
        # answer is always the kind's default tag; this skips the generic lookup (a hot path).
        return _DEFAULT_TAGS[kind]


StrictLoader.yaml_implicit_resolvers = {}


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
                raise error_at(path, event.start_mark,
                               f"aliases (*{event.anchor}) are not allowed; write the value out")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise error_at(path, event.start_mark, f"anchors (&{anchor}) are not allowed; write the value out")
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise tag_error(path, event.start_mark, tag)
            depth = nest(path, event, depth)
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(path, text, exc) from None


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
                        values[key] = typed(name, event.value, event.style, event.start_mark)
                    key = None
                if fields <= values.keys():
                    break
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(name, text, exc) from None
    return values, positions


def construct(path: str, node: yaml.Node, depth: int) -> Any:
    # Scalars are typed inline in the loops below (one call fewer per value: this runs for every node).
    scalar_node = yaml.ScalarNode
    if node.__class__ is scalar_node:
        return scalar(path, node)
    if depth >= MAX_DEPTH:
        raise error_at(path, node.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.MappingNode):
        if node.tag != MAP_TAG:
            raise tag_error(path, node.start_mark, node.tag)
        result: dict[str, Any] = {}
        first_at: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not scalar_node:
                raise error_at(path, key_node.start_mark, "a mapping key must be a plain value, not a list or mapping")
            if key_node.tag != STR_TAG:
                raise tag_error(path, key_node.start_mark, key_node.tag)
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise error_at(path, key_node.start_mark, "merge keys (<<) are not allowed; write the fields out")
            if key in result:
                raise error_at(path, key_node.start_mark,
                               f"duplicate key '{key}' (first given on line {first_at[key]})")
            first_at[key] = key_node.start_mark.line + 1
            result[key] = (scalar(path, value_node) if value_node.__class__ is scalar_node
                           else construct(path, value_node, depth + 1))
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != SEQ_TAG:
            raise tag_error(path, node.start_mark, node.tag)
        return [scalar(path, item) if item.__class__ is scalar_node else construct(path, item, depth + 1)
                for item in node.value]
    raise error_at(path, node.start_mark, "unsupported YAML node")  # pragma: no cover


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
        raise yaml_error(path, text, exc) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise InputError(f"invalid YAML: {message}", file=path, line=1, column=1) from None
    if root is None:
        what = "file is empty" if not text.strip() else "file holds only comments"
        raise InputError(f"{what}; expected a YAML mapping of fields", file=path, line=1, column=1)
    return Document(path, construct(path, root, 0), root)


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
