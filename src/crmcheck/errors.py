"""Domain errors carrying file positions, and the exit codes they map to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1  # a check rule broke, or a regression was found
EXIT_INPUT = 2  # usage error or bad input
EXIT_INTERNAL = 3  # a bug
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, at one place."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column or 1}: {self.message}"


class CrmcheckError(Exception):
    """Base of every error the tool reports to its user; never a bug."""

    exit_code = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.problems = problems or [Problem(message, file, line, column)]
        super().__init__(str(self.problems[0]))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class InputError(CrmcheckError):
    """A file is missing, unreadable, malformed or inconsistent."""


class UsageError(CrmcheckError):
    """The command line asks for something that cannot be done."""


class Interrupted(CrmcheckError):
    """The user stopped the program; what was done is saved."""

    exit_code = EXIT_INTERRUPTED
