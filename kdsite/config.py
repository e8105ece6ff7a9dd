"""Site configuration: kdsite.toml (optional) plus command-line overrides, every error collected."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from kdsite.errors import ConfigError, Problem
from kdsite.files import read_source

CONFIG_FILE = "kdsite.toml"


@dataclass
class Config:
    """Everything a build needs to know, with paths resolved against the project root."""

    root: Path
    title: str = "Knowledge distillation, explained"
    language: str = "en"
    site_url: str = ""
    content_dir: Path = Path("content")
    templates_dir: Path = Path("templates")
    output_dir: Path = Path("_site")
    # An unpacked official Pyodide release to take wheels from before any download.
    pyodide_dir: Path | None = None
    # Pass raw HTML in Markdown through to the page: the content's authors are then trusted.
    raw_html: bool = False
    strict: bool = False

    def resolve(self) -> Config:
        """Make every path absolute, relative to the project root."""
        for name in ("content_dir", "templates_dir", "output_dir", "pyodide_dir"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, (self.root / value).resolve())
        return self


_SETTINGS = [f.name for f in fields(Config) if f.name not in ("root", "strict")]
_PATHS = {"content_dir", "templates_dir", "output_dir", "pyodide_dir"}
_SWITCHES = {"raw_html"}


def load_config(root: Path, output: Path | None = None, strict: bool = False) -> Config:
    """Return the site config from root/kdsite.toml (if present) with overrides applied."""
    config = Config(root=root.resolve(), strict=strict)
    path = root / CONFIG_FILE
    if path.exists():
        text, problem = read_source(path, path)
        if problem is not None:
            raise ConfigError(problem)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"not valid TOML ({error})", "fix the syntax at the position given", path) from None
        problems = []
        for key, value in data.items():
            if key not in _SETTINGS:
                problems.append(Problem(f"unknown setting {key!r}", "use one of: " + ", ".join(_SETTINGS), path))
            elif key in _SWITCHES and not isinstance(value, bool):
                problems.append(Problem(f"setting {key!r} should be true or false, not {value!r}",
                                        f"write {key} = true or {key} = false", path))
            elif key not in _SWITCHES and not isinstance(value, str):
                problems.append(Problem(f"setting {key!r} should be a string, not {value!r}",
                                        f'write {key} = "…"', path))
            else:
                setattr(config, key, Path(value) if key in _PATHS else value)
        if problems:
            raise ConfigError(problems)
    if output is not None:
        config.output_dir = Path(output)
    return config.resolve()
