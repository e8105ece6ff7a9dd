"""Located problems, and the one user-facing error family that carries them."""

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
    """An error the user can act on, carrying every located problem; the CLI prints it without a traceback.

    Made from one problem (a Problem, or its message, fix, file and line), it reads as that
    problem; made from a list, as "N problems:" and one problem per line, sorted by place.
    `problems` always holds at least one Problem, `problem` the first.
    """

    def __init__(self, message: str | Problem | list[Problem], fix: str = "", file=None, line=None):
        if isinstance(message, list):
            # Sorted by place, so an author fixes a file from top to bottom.
            self.problems = sorted(message, key=lambda p: (str(p.file or ""), p.line or 0))
            noun = "problem" if len(self.problems) == 1 else "problems"
            text = f"{len(self.problems)} {noun}:\n" + "\n".join(f"  {p}" for p in self.problems)
        else:
            self.problems = [message if isinstance(message, Problem) else Problem(message, fix, file, line)]
            text = str(self.problems[0])
        if not self.problems:
            raise ValueError("a KdsiteError needs at least one problem")
        self.problem = self.problems[0]
        super().__init__(text)


class ConfigError(KdsiteError):
    """The site configuration (kdsite.toml, command-line options, the output folder) is wrong."""


class AssetError(KdsiteError):
    """The Pyodide runtime or a wheel could not be fetched or verified."""


class BuildErrors(KdsiteError):
    """The problems found in the content by one build, reported together."""

    def __init__(self, problems: list[Problem]):
        super().__init__(list(problems))


class StrictWarnings(BuildErrors):
    """Only warnings were found, and --strict makes them fail the build."""
