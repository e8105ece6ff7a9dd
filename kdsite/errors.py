"""The one user-facing error type, and its few kinds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One located problem: `file:line: what is wrong — how to fix it`."""

    message: str
    fix: str = ""
    file: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}" + (f" — {self.fix}" if self.fix else "")


class KdsiteError(Exception):
    """An error the user can act on; the CLI prints it without a traceback."""

    def __init__(self, message: str | Problem, fix: str = "", file=None, line=None):
        self.problem = message if isinstance(message, Problem) else Problem(message, fix, file, line)
        super().__init__(str(self.problem))


class ConfigError(KdsiteError):
    """The site configuration (kdsite.toml or command-line options) is wrong."""


class ContentError(KdsiteError):
    """A content file is wrong: front matter, Markdown or a widget block."""


class AssetError(KdsiteError):
    """The Pyodide runtime or a wheel could not be fetched or verified."""


class BuildErrors(KdsiteError):
    """Several problems found in one build, reported together."""

    def __init__(self, problems: list[Problem]):
        # Sorted by place, so an author fixes a file from top to bottom.
        problems = sorted(problems, key=lambda p: (str(p.file or ""), p.line or 0))
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        text = f"{len(problems)} {noun}:\n" + "\n".join(f"  {p}" for p in problems)
        Exception.__init__(self, text)
        self.problem = problems[0]


class StrictWarnings(BuildErrors):
    """Only warnings were found, and --strict makes them fail the build."""
