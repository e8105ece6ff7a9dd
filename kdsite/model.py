"""The data model: a page, and what the Markdown extensions find on it.

Parsing a page fills one `PageRecord` (its widgets, figures, embeds, links, ids, problems
and warnings), which markdown-it carries in its `env` under the one key RECORD; rendering
reads the same record, with the render-time fields set. A `Page` owns its record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kdsite.errors import Problem
from kdsite.urls import embed_path, figure_path

# The one key of markdown-it's env: the page's record.
RECORD = "kdsite"


@dataclass
class Widget:
    """One widget placed on a page: validated config, location, and later its first state."""

    name: str
    id: str
    config: dict
    file: Path | str
    line: int
    state: dict | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RenderedFigure:
    """A figure's SVG text and its size in CSS pixels."""

    svg: str
    width: int
    height: int


@dataclass
class FigureRef:
    """One figure placed on a page: what it shows, where, and (after pre-rendering) its SVG."""

    name: str
    alt: str
    caption: str
    file: Path | str
    line: int
    rendered: RenderedFigure | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        """Return the figure file's path relative to the site root."""
        return figure_path(self.name)


@dataclass
class Embed:
    """A ```kd-embed``` block: which page's widget to show live in an iframe."""

    page: str
    widget: str
    height: int  # CSS pixels
    file: Path | str
    line: int
    # Where `page:` and `widget:` are written, for errors about them.
    page_line: int = 0
    widget_line: int = 0

    @property
    def path(self) -> str:
        """Return the embed page's path from the site root."""
        return embed_path(f"{self.page}.html", self.widget)


@dataclass(frozen=True)
class Ref:
    """One link or image on a page, as written and as rendered."""

    written: str  # the URL in the Markdown (normalised by markdown-it)
    url: str  # the URL rendered: a link to x.md becomes x.html
    line: int
    image: bool = False
    alt: str = ""  # an image's description


@dataclass
class PageRecord:
    """Everything the Markdown extensions record about one page, in source order.

    Filled while the page is parsed; `root`, `site_url` and `render_widget` are set for
    rendering it (see `for_rendering`).
    """

    file: Path | str | None  # the source as shown in messages
    problems: list[Problem] = field(default_factory=list)  # errors: the build fails
    warnings: list[Problem] = field(default_factory=list)  # printed; --strict fails on them
    widgets: list[Widget] = field(default_factory=list)
    figures: list[FigureRef] = field(default_factory=list)
    embeds: list[Embed] = field(default_factory=list)
    links: list[Ref] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # every heading and widget id → its line
    # Inline warnings noted while a paragraph is parsed, until a core rule locates them.
    inline_notes: list[tuple[str, int, str, str]] = field(default_factory=list, repr=False)
    # For rendering: the relative prefix back to the site root, the site's URL, the widget renderer.
    root: str = ""
    site_url: str = ""
    render_widget: Callable[[Widget], str] | None = field(default=None, repr=False)

    def for_rendering(self, root: str, site_url: str, render_widget: Callable[[Widget], str]) -> PageRecord:
        """Return a copy of the record (sharing its lists) with the render-time fields set."""
        return PageRecord(**{**vars(self), "root": root, "site_url": site_url, "render_widget": render_widget})


def page_record(env: dict) -> PageRecord:
    """Return the record in a markdown-it env; one without (a bare `md.render(text)`) gets an empty one."""
    record = env.get(RECORD)
    if record is None:
        record = env[RECORD] = PageRecord(file=None)
    return record


@dataclass
class Page:
    """One content file, parsed: where it goes, its metadata, its tokens and its record."""

    source: Path
    path: str  # output path relative to the site root, e.g. "glossary/term.html"
    title: str
    description: str = ""
    order: int = 0
    ordered: bool = False  # whether the front matter gave `order` (chapters need one)
    tokens: list = field(default_factory=list, repr=False)
    record: PageRecord = field(default_factory=lambda: PageRecord(file=None), repr=False)

    @property
    def file(self) -> Path | str:
        """Return the source as shown in messages (relative to the working directory)."""
        return self.record.file if self.record.file is not None else self.source

    @property
    def widgets(self) -> list[Widget]:
        """Return the page's widgets, in page order."""
        return self.record.widgets

    @property
    def figures(self) -> list[FigureRef]:
        """Return the figures the page places, in page order."""
        return self.record.figures

    @property
    def embeds(self) -> list[Embed]:
        """Return the page's kd-embed blocks, in page order."""
        return self.record.embeds

    @property
    def links(self) -> list[Ref]:
        """Return every link and image on the page, in page order."""
        return self.record.links

    @property
    def ids(self) -> dict[str, int]:
        """Return every heading and widget id on the page, with its line."""
        return self.record.ids

    @property
    def problems(self) -> list[Problem]:
        """Return the errors found in the page."""
        return self.record.problems

    @property
    def warnings(self) -> list[Problem]:
        """Return the warnings noticed while the page was parsed."""
        return self.record.warnings

    @property
    def root(self) -> str:
        """Return the relative prefix from this page back to the site root."""
        return "../" * self.path.count("/")

    @property
    def is_chapter(self) -> bool:
        """Return whether the page is a chapter: a top-level content/*.md file."""
        return "/" not in self.path

    @property
    def is_glossary(self) -> bool:
        """Return whether the page lives in content/glossary/."""
        return self.path.startswith(GLOSSARY + "/")


GLOSSARY = "glossary"
