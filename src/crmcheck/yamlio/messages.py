"""YAML errors in plain words, placed where a person would look to fix them (libyaml's own and our limits)."""

from __future__ import annotations

from typing import Any

import yaml

from crmcheck.errors import InputError

MAX_DEPTH = 64
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"


def error_at(path: str, mark: Any, message: str) -> InputError:
    return InputError(message, file=path, line=mark.line + 1, column=mark.column + 1)


def error_at_index(path: str, text: str, index: int, message: str) -> InputError:
    """An error at a character index of the decoded text."""
    line_start = text.rfind("\n", 0, index) + 1
    return InputError(message, file=path, line=text.count("\n", 0, index) + 1, column=index - line_start + 1)


def _tag_as_written(tag: str) -> str:
    return "!!" + tag[len(_STANDARD_TAG_PREFIX) :] if tag.startswith(_STANDARD_TAG_PREFIX) else tag


def tag_error(path: str, mark: Any, tag: str) -> InputError:
    return error_at(path, mark, f"tags ({_tag_as_written(tag)}) are not allowed; write the plain value "
                             "(in quotes if it must stay text)")


def nest(path: str, event: yaml.Event, depth: int) -> int:
    """The nesting depth after `event`; an error once it passes MAX_DEPTH."""
    if isinstance(event, yaml.CollectionStartEvent):
        if depth >= MAX_DEPTH:
            raise error_at(path, event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
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
            depth = nest(path, event, depth)
    except InputError as error:
        return error
    except yaml.MarkedYAMLError:
        pass
    mark = exc.problem_mark or exc.context_mark
    message = f"nesting deeper than {MAX_DEPTH} levels"
    return error_at(path, mark, message) if mark is not None else InputError(message, file=path, line=1, column=1)


def _char_at(text: str, mark: Any) -> str:
    index = getattr(mark, "index", None)
    return text[index] if isinstance(index, int) and 0 <= index < len(text) else ""


def yaml_error(path: str, text: str, exc: yaml.MarkedYAMLError) -> InputError:
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
    return error_at(path, mark, message)


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
