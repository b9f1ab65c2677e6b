"""Strict YAML loading (positions, rejections, YAML 1.2 typing) and atomic writing."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from crmcheck import yamlio
from crmcheck.errors import InputError
from crmcheck.yamlio import (
    MAX_BYTES,
    MAX_DEPTH,
    DecimalText,
    load,
    load_mapping,
    parse,
    read_text,
    reading,
    write_atomic,
    writing,
)


def error_of(text: str | bytes, tmp_path: Path | None = None) -> str:
    """The one error line crmcheck prints for a file with this content."""
    with pytest.raises(InputError) as caught:
        if isinstance(text, bytes):
            assert tmp_path is not None
            path = tmp_path / "f.yaml"
            path.write_bytes(text)
            load(path)
        else:
            parse(text, "f.yaml")
    lines = caught.value.lines()
    assert len(lines) == 1
    return lines[0].replace(str(tmp_path / "f.yaml") if tmp_path else "\0", "f.yaml")


# --- positions -------------------------------------------------------------------------------------

POSITIONS = """\
format: 1
company: Acme
questionnaires:
  crm-mistakes:
    answers:
      best-customers.defined: 3
      best-customers.rewarded: {value: 2, note: "Top 20"}
    list:
      - first
      - [a, b]
"""


def test_position_of_values_and_keys() -> None:
    doc = parse(POSITIONS, "a.yaml")
    assert doc.position(("company",)) == yamlio.Position(2, 10)
    assert doc.position(("company",), key=True) == yamlio.Position(2, 1)
    answers = ("questionnaires", "crm-mistakes", "answers")
    assert doc.position((*answers, "best-customers.defined")) == yamlio.Position(6, 31)
    assert doc.position((*answers, "best-customers.rewarded", "note")) == yamlio.Position(7, 49)
    assert doc.position((*answers, "best-customers.rewarded", "note"), key=True) == yamlio.Position(7, 43)
    assert doc.position(("questionnaires", "crm-mistakes", "list", 1, 1)) == yamlio.Position(10, 13)


def test_position_stops_at_the_deepest_existing_node() -> None:
    doc = parse(POSITIONS, "a.yaml")
    # a missing key points at the mapping that should hold it
    assert doc.position(("questionnaires", "crm-mistakes", "version")) == yamlio.Position(5, 5)
    assert doc.position(("questionnaires", "crm-mistakes", "list", 7)) == yamlio.Position(9, 7)
    assert doc.position(()) == yamlio.Position(1, 1)


def test_error_carries_file_line_and_column() -> None:
    doc = parse(POSITIONS, "a.yaml")
    assert doc.error("bad company", ("company",)).lines() == ["a.yaml:2:10: bad company"]


def test_positions_count_characters_not_bytes() -> None:
    # é and € take 2 and 3 bytes in UTF-8 but one column each, as in an editor
    assert error_of('a: "é€ x" y\n').startswith("f.yaml:1:11: invalid YAML")


# --- duplicates and rejected constructs ------------------------------------------------------------

def test_duplicate_keys_top_level_and_nested() -> None:
    assert error_of("a: 1\nb: 2\na: 3\n") == "f.yaml:3:1: duplicate key 'a' (first given on line 1)"
    assert error_of("a:\n  b: 1\n  c: 2\n  b: 3\n") == "f.yaml:4:3: duplicate key 'b' (first given on line 2)"
    assert error_of("a: [{x: 1, x: 2}]\n") == "f.yaml:1:12: duplicate key 'x' (first given on line 1)"


def test_anchors_aliases_merge_keys_and_tags_are_rejected() -> None:
    assert error_of("a: &x 1\n") == "f.yaml:1:4: anchors (&x) are not allowed; write the value out"
    assert error_of("a: *x\n") == "f.yaml:1:4: aliases (*x) are not allowed; write the value out"
    assert error_of("a:\n  <<: {b: 1}\n") == "f.yaml:2:3: merge keys (<<) are not allowed; write the fields out"
    assert error_of("a: !!str 1\n").startswith("f.yaml:1:4: tags (!!str) are not allowed")
    assert error_of("a: !!python/object:os.system x\n").startswith("f.yaml:1:4: tags (!!python/object:os.system)")
    assert error_of("a: !custom 1\n").startswith("f.yaml:1:4: tags (!custom) are not allowed")
    assert error_of("a: ! 1\n").startswith("f.yaml:1:4: tags (!) are not allowed")
    assert error_of("%TAG ! tag:yaml.org,2002:\n---\na: !str 1\n").startswith("f.yaml:3:4: tags (!!str)")


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    assert parse('"<<": 1\n', "f.yaml").data == {"<<": 1}


def test_structure_errors(tmp_path: Path) -> None:
    assert error_of("") == "f.yaml:1:1: file is empty; expected a YAML mapping of fields"
    assert error_of("# only\n# comments\n") == "f.yaml:1:1: file holds only comments; expected a YAML mapping of fields"
    assert error_of("a: 1\n---\nb: 2\n").startswith("f.yaml:2:1: a second YAML document starts here")
    assert error_of("? [a]\n: 1\n") == "f.yaml:1:3: a mapping key must be a plain value, not a list or mapping"
    path = tmp_path / "list.yaml"
    path.write_text("- a\n")
    with pytest.raises(InputError, match="the top level must be a mapping of fields, not a list"):
        load_mapping(path)


def test_syntax_errors_point_where_a_person_would_fix_them() -> None:
    # an unclosed quote points at the opening quote, not at the end of the file
    assert error_of('a: 1\nb: "open\nc: 2\n') == (
        'f.yaml:2:4: invalid YAML: the quoted text that starts here has no closing "')
    assert error_of("a:\n\tb: 1\n") == (
        "f.yaml:2:1: invalid YAML: a tab character is used for indentation; indent with spaces")
    assert error_of("a: @x\n").startswith("f.yaml:1:4: invalid YAML: a plain value cannot start with '@'")
    assert error_of("a: [1, 2\nb: 3\n").startswith("f.yaml:2:2: invalid YAML: expected ',' or ']' in the list opened "
                                                     "at line 1, column 4")
    assert error_of("a:\n  b: 1\n c: 2\n").startswith("f.yaml:3:2: invalid YAML: expected a key here")


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 1999, 30_000])
@pytest.mark.parametrize("shape", ["flow", "block-list", "block-map"])
def test_nesting_is_capped(depth: int, shape: str) -> None:
    # 1999 stays below the prescan threshold (the composer's own recursion is safe there);
    # 30,000 would overflow libyaml's recursive composer if it ever got that far.
    if shape == "flow":
        text = "[" * depth + "]" * depth
    elif shape == "block-list":
        text = "- " * depth + "x\n"
    else:
        text = "".join(" " * i + "k:\n" for i in range(depth)) + " " * depth + "v\n"
    if depth <= MAX_DEPTH:
        parse(text, "f.yaml")
        return
    message = error_of(text)
    assert message.endswith(f": nesting deeper than {MAX_DEPTH} levels")
    line = MAX_DEPTH + 1 if shape == "block-map" else 1
    assert message.startswith(f"f.yaml:{line}:")


# --- typing: YAML 1.2, not 1.1 ---------------------------------------------------------------------

def test_yaml_11_traps_stay_text() -> None:
    text = "a: no\nb: on\nc: off\nd: yes\ne: y\nf: 1:30\nh: 0x1F\ni: 0o17\nj: 1_000\nk: 2026-11-01\nl: =\n"
    assert parse(text, "f.yaml").data == {
        "a": "no", "b": "on", "c": "off", "d": "yes", "e": "y", "f": "1:30", "h": "0x1F", "i": "0o17",
        "j": "1_000", "k": "2026-11-01", "l": "=",
    }


def test_a_leading_zero_number_keeps_its_digits() -> None:
    # YAML 1.1 read 010 as octal 8; YAML 1.2 reads it as 10. Where text is expected it stays "010".
    value = parse("a: 010\n", "f.yaml").data["a"]
    assert isinstance(value, DecimalText)
    assert value == 10 and value.text == "010"


def test_core_schema_values() -> None:
    data = parse("a: true\nb: False\nc: ~\nd: null\ne:\nf: 42\ng: -7\nh: '3'\ni: \"no\"\n", "f.yaml").data
    assert data == {"a": True, "b": False, "c": None, "d": None, "e": None, "f": 42, "g": -7, "h": "3", "i": "no"}
    assert type(data["f"]) is int


def test_decimal_text_remembers_how_it_was_written() -> None:
    data = parse("a: 1.50\nb: .5\nc: -2e3\n", "f.yaml").data
    assert isinstance(data["a"], DecimalText)
    assert data["a"] == 1.5 and data["a"].text == "1.50"
    assert data["b"] == 0.5 and data["b"].text == ".5"
    assert data["c"] == -2000.0 and data["c"].text == "-2e3"


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", "+.INF"])
def test_nan_and_infinity_are_rejected(value: str) -> None:
    assert error_of(f"a: {value}\n") == f"f.yaml:1:4: {value} is not allowed; use a finite number"


def test_numbers_too_large_or_too_long_are_rejected() -> None:
    assert error_of("a: 1e400\n") == "f.yaml:1:4: 1e400 is too large to be a number"
    assert error_of("a: " + "9" * 41 + "\n").startswith("f.yaml:1:4: a number written with 41 characters is too long")
    assert parse("a: " + "9" * 40 + "\n", "f.yaml").data == {"a": int("9" * 40)}
    # quoted digits are text, however many
    assert parse('a: "' + "9" * 5000 + '"\n', "f.yaml").data == {"a": "9" * 5000}


# --- encodings and bytes ---------------------------------------------------------------------------

def test_utf8_bom_is_accepted_and_positions_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\nb: caf\xc3\xa9\n")
    assert load(path).data == {"a": 1, "b": "café"}
    path.write_bytes(b"\xef\xbb\xbfa: 1\na: 2\n")
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.lines() == [f"{path}:2:1: duplicate key 'a' (first given on line 1)"]


def test_other_encodings_are_rejected_with_the_byte_offset(tmp_path: Path) -> None:
    assert error_of(b"a: 1\nb: caf\xe9\n", tmp_path) == (
        "f.yaml:2:7: not valid UTF-8: byte 0xe9 at offset 11 (the file may be Latin-1 or Windows-1252); "
        "save it as UTF-8")
    assert error_of("a: 1\n".encode("utf-16"), tmp_path).startswith("f.yaml:1:1: file is UTF-16 encoded")
    assert error_of("a: 1\n".encode("utf-16-be"), tmp_path).startswith(
        "f.yaml:1:1: file looks UTF-16 encoded (NUL bytes between the characters, the first at offset 0)")
    assert error_of("a: 1\n".encode("utf-16-le"), tmp_path).startswith("f.yaml:1:1: file looks UTF-16 encoded")
    assert error_of("a: 1\n".encode("utf-32"), tmp_path).startswith("f.yaml:1:1: file is UTF-32 encoded")


def test_nul_and_control_characters_are_rejected_where_they_are(tmp_path: Path) -> None:
    assert error_of(b"a: 1\nb: x\x00y\n", tmp_path) == "f.yaml:2:5: NUL byte at offset 9; this is not a text file"
    assert error_of(b"a: \x1b[31m\n", tmp_path) == (
        "f.yaml:1:4: control character U+001B at offset 3 is not allowed in YAML")
    # tabs inside values, CRLF line ends and non-ASCII text are all fine
    assert parse("a: x\ty\r\nb: ü\r\n", "f.yaml").data == {"a": "x\ty", "b": "ü"}


def test_read_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_text(tmp_path / "missing.yaml")
    assert caught.value.lines() == [f"{tmp_path / 'missing.yaml'}:1:1: no such file"]
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_text(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * MAX_BYTES)
    assert read_text(big) == "#" * MAX_BYTES
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="file is larger than 8 MiB"):
        read_text(big)


class _CountingReader:
    """An open file that records how many bytes each read asks for."""

    def __init__(self, path: Path) -> None:
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by the test
        self.asked: list[int] = []

    def fileno(self) -> int:
        return self.handle.fileno()

    def read(self, size: int) -> bytes:
        self.asked.append(size)
        return self.handle.read(size)


def test_a_read_is_sized_by_the_file_not_by_the_cap(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_bytes(b"a: 1\n")
    reader = _CountingReader(small)
    with reader.handle:
        assert yamlio.read_capped(reader) == b"a: 1\n"  # type: ignore[arg-type]
    assert reader.asked == [6]  # the file's 5 bytes and one more, never MAX_BYTES + 1


def test_a_file_holding_more_than_fstat_says_is_read_whole_up_to_the_cap(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe or a /proc file says size 0, a file being appended to says less than it holds by the time it is
    read: the byte past the size shows it, and the rest is read (and a file past the cap is still too large)."""
    grown = tmp_path / "grown.yaml"
    grown.write_bytes(b"a: 1\nb: 2\n")
    real_fstat = os.fstat
    monkeypatch.setattr(reading.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 3, *real_fstat(fd)[7:])))
    with open(grown, "rb") as handle:
        assert yamlio.read_capped(handle) == b"a: 1\nb: 2\n"
    monkeypatch.setattr(reading, "MAX_BYTES", 8)
    with open(grown, "rb") as handle:
        assert yamlio.read_capped(handle) == b"a: 1\nb: 2"  # MAX_BYTES + 1 bytes: too large
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"x: y\n")
    os.close(write_fd)
    monkeypatch.undo()
    with os.fdopen(read_fd, "rb") as pipe:
        assert yamlio.read_capped(pipe) == b"x: y\n"


# --- atomic writing --------------------------------------------------------------------------------

def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    write_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    write_atomic(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    assert os.listdir(tmp_path) == ["out.yaml"]


def test_write_atomic_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "new\n"


def test_write_atomic_gives_a_new_file_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.yaml", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


def test_write_atomic_leaves_the_old_file_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("old\n")

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.os, "replace", no_space)
    with pytest.raises(InputError) as caught:
        write_atomic(target, "new\n")
    assert caught.value.lines() == [f"{target}: cannot write: No space left on device"]
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["answers.yaml"], "the temporary file must be removed"


def test_write_atomic_leaves_the_old_file_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("old\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writing.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["answers.yaml"]


def test_write_atomic_creates_missing_folders(tmp_path: Path) -> None:
    write_atomic(tmp_path / "no" / "such" / "dir.yaml", "x\n")
    assert (tmp_path / "no" / "such" / "dir.yaml").read_text() == "x\n"


def test_write_atomic_below_a_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way\n")
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(tmp_path / "file" / "such" / "dir.yaml", "x\n")
    with pytest.raises(InputError, match="cannot"):
        write_atomic(tmp_path / "file" / "dir.yaml", "x\n")
    assert (tmp_path / "file").read_text() == "in the way\n"


def test_write_atomic_to_a_device_writes_in_place_and_keeps_it(tmp_path: Path) -> None:
    write_atomic("/dev/null", "nothing to keep\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
