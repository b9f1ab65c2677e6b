"""Finding questionnaires by id: custom directories first, then the built-ins."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmcheck.errors import InputError, UsageError
from crmcheck.questionnaire_cache import cached_header
from crmcheck.yamlio import Document, Position, load_mapping, special_kind

if TYPE_CHECKING:
    from crmcheck.models.questionnaire import Questionnaire

ENV_VAR = "CRMCHECK_QUESTIONNAIRES"
_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A data folder shipped in the wheel (crmcheck/_data/NAME), or the repository's top-level one."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / name


HEADER_FIELDS = frozenset({"id", "title", "version", "kind", "source", "replaces"})


@dataclass
class Entry:
    """A questionnaire file found on the search path, read up to its header; parsed in full on demand."""

    id: str
    path: Path
    origin: str  # "built-in" or the custom directory
    fields: dict[str, Any]
    positions: dict[str, Position]
    _doc: Document | None = None

    @property
    def replaces(self) -> bool:
        return bool(self.fields.get("replaces"))

    @property
    def header(self) -> dict[str, Any]:
        return {k: self.fields.get(k) for k in ("id", "title", "version", "kind", "source")}

    @property
    def doc(self) -> Document:
        if self._doc is None:
            self._doc = load_mapping(self.path)
        return self._doc

    def error(self, message: str, key: str) -> InputError:
        pos = self.positions.get(key, Position(1, 1))
        return InputError(message, file=str(self.path), line=pos.line, column=pos.column)


@dataclass
class Catalog:
    """The questionnaires visible to one invocation."""

    directories: list[Path] = field(default_factory=list)
    earlier_versions: list[Path] = field(default_factory=list)
    _entries: dict[str, Entry] | None = None
    _loaded: dict[str, Questionnaire] = field(default_factory=dict)

    @classmethod
    def from_options(cls, directories: Iterable[Path] | None = None) -> Catalog:
        dirs = list(directories or [])
        env = os.environ.get(ENV_VAR, "")
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
        return cls(dirs)

    def _scan(self, directory: Path, origin: str) -> list[Entry]:
        if not directory.is_dir():
            raise UsageError(f"questionnaire directory not found: {directory}")
        entries = []
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            kind = special_kind(path)
            if kind is not None:  # reading it could block for ever
                raise InputError(f"not a regular file ({kind}); a questionnaire directory holds questionnaire files",
                                 file=str(path), line=1, column=1)
            fields, positions = cached_header(path, HEADER_FIELDS)  # read_header, from the cache when seen before
            qid = fields.get("id")
            if not isinstance(qid, str):
                raise InputError("a questionnaire needs an 'id' at the top level", file=str(path), line=1, column=1)
            entries.append(Entry(qid, path, origin, fields, positions))
        return entries

    @property
    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            builtins = {e.id: e for e in self._scan(data_dir("questionnaires"), "built-in")}
            custom: dict[str, Entry] = {}
            for directory in self.directories:
                for entry in self._scan(directory, str(directory)):
                    if entry.id in custom:
                        raise entry.error(
                            f"questionnaire id '{entry.id}' is also defined in {custom[entry.id].path}", "id")
                    if entry.id in builtins and not entry.replaces:
                        raise entry.error(
                            f"'{entry.id}' is a built-in questionnaire id; choose another id, or add "
                            f"'replaces: {entry.id}' to replace the built-in", "id")
                    custom[entry.id] = entry
            self._entries = {**custom, **{k: v for k, v in builtins.items() if k not in custom}}
            self._entries.update(self._earlier_entries())
        return self._entries

    def _earlier_entries(self) -> dict[str, Entry]:
        """Earlier versions of questionnaires (for scoring a baseline); each takes the place of its id."""
        found: dict[str, Entry] = {}
        for directory in self.earlier_versions:
            for entry in self._scan(directory, str(directory)):
                if entry.id in found:
                    raise entry.doc.error(
                        f"questionnaire id '{entry.id}' is also defined in {found[entry.id].path}", ("id",))
                found[entry.id] = entry
        return found

    def with_earlier_versions(self, directories: Iterable[Path] | None) -> Catalog:
        """This catalog, with questionnaires from `directories` in place of those with the same id."""
        dirs = list(directories or [])
        return Catalog(self.directories, dirs) if dirs else self

    def entry(self, qid: str) -> Entry:
        try:
            return self.entries[qid]
        except KeyError:
            known = ", ".join(sorted(self.entries))
            raise UsageError(f"unknown questionnaire '{qid}' (known: {known})") from None

    def get(self, qid: str) -> Questionnaire:
        if qid not in self._loaded:
            from crmcheck.models.questionnaire import parse_questionnaire
            from crmcheck.questionnaire_cache import cached_questionnaire

            entry = self.entry(qid)
            self._loaded[qid] = cached_questionnaire(entry.path, lambda: parse_questionnaire(entry.doc))
        return self._loaded[qid]

    def load(self, qid: str, *, context: Document | None = None, keys: tuple[Any, ...] = ()) -> Questionnaire:
        """Like get, but an unknown id is reported at a position in the file that named it."""
        if context is not None and qid not in self.entries:
            known = ", ".join(sorted(self.entries))
            raise context.error(f"unknown questionnaire '{qid}' (known: {known})", keys, key=True)
        return self.get(qid)


def questionnaire_from_file(path: str) -> Questionnaire:
    """Load a questionnaire straight from a file path (for validate)."""
    from crmcheck.models.questionnaire import load_questionnaire

    if not Path(path).exists():
        raise InputError("no such file", file=path)
    return load_questionnaire(path)
