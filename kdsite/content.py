"""Pages: read content/*.md, parse front matter and Markdown, collect what each page holds."""

from __future__ import annotations

import re
from pathlib import Path

from kdsite.content_files import is_generated
from kdsite.errors import Problem
from kdsite.files import display_path, read_source
from kdsite.markdown.parser import make_markdown, parse
from kdsite.markdown.yamlblock import load_block
from kdsite.model import GLOSSARY, Page, PageRecord
from kdsite.widgets.params import NUMBER, TEXT, ParamError, read_value

# Each key: how its YAML is read (see widgets.params), its type, and how to name and show it.
FRONT_MATTER_KEYS = {"title": (TEXT, str, "text", "Temperature"),
                     "description": (TEXT, str, "text", "How T softens the teacher's probabilities."),
                     "order": (NUMBER, int, "a whole number", "2")}
# Characters that end or change a URL path (#, ?, %) or need quoting in an href.
UNSAFE_IN_PATH = re.compile(r"[^\w.\-/~]")


def chapters(pages: list[Page]) -> list[Page]:
    """Return the chapters in reading order: by `order`, then by file name (unordered ones last)."""
    return sorted((p for p in pages if p.is_chapter), key=lambda p: (not p.ordered, p.order, p.path))


def glossary_entries(pages: list[Page]) -> list[Page]:
    """Return the glossary's term pages (not its index page), alphabetically by title."""
    return sorted((p for p in pages if p.is_glossary and p.path != f"{GLOSSARY}/index.html"),
                  key=lambda p: (p.title.casefold(), p.path))


def gather_pages(content_dir: Path, problems: list[Problem], raw_html: bool = False) -> list[Page]:
    """Parse every Markdown file under content_dir, adding every problem found to `problems`."""
    md = make_markdown(raw_html)
    sources = sorted(content_dir.rglob("*.md"))
    if not sources:
        problems.append(Problem("no Markdown pages found", "add content/index.md", content_dir))
    pages = [_parse_page(md, source, content_dir) for source in sources]
    problems.extend(problem for page in pages for problem in page.problems)
    return pages


def _parse_page(md, source: Path, content_dir: Path) -> Page:
    """Parse one page; its problems are in its record."""
    record = PageRecord(file=display_path(source))
    text, problem = read_source(source, record.file)
    if problem is not None:
        record.problems.append(problem)
    tokens = parse(md, text, record)
    meta = _front_matter(tokens, record.file, record.problems)
    relative = source.relative_to(content_dir).with_suffix(".html").as_posix()
    _check_page_path(relative, record.file, record.problems)
    title = meta.get("title") or _first_heading(tokens) or source.stem.replace("-", " ").capitalize()
    return Page(source=source, path=relative, title=title, description=meta.get("description", ""),
                order=meta.get("order", 0), ordered="order" in meta, tokens=tokens, record=record)


def _check_page_path(site_path: str, shown: str, problems: list[Problem]) -> None:
    """Add a problem when a page's place in the site is the build's own or breaks links to it."""
    if is_generated(site_path):
        problems.append(Problem(f"kdsite writes a file of its own at {site_path}, which would replace this page",
                                "rename the page or move it into a folder of its own", shown, 1))
    elif bad := sorted(set(UNSAFE_IN_PATH.findall(site_path))):
        shown_chars = " ".join(repr(c) for c in bad)
        problems.append(Problem(f"the page's file name contains {shown_chars}, which would break every link to it",
                                "rename it using letters, digits, '-', '_' and '.'", shown, 1))


def _front_matter(tokens, file: Path, problems: list[Problem]) -> dict:
    """Return the page's validated front matter, adding problems for bad keys.

    Title and description are text, taken exactly as written (`title: 2024` is "2024",
    `title: no` is "no"); order is a plain whole number.
    """
    if not tokens or tokens[0].type != "front_matter":
        return {}
    # The opening --- is line 1, so the YAML starts on line 2.
    block = load_block(tokens[0].content, file, 2, "front matter", problems)
    if block is None:
        return {}
    meta = block.data or {}
    if not isinstance(meta, dict):
        problems.append(Problem("front matter is not a set of `key: value` lines",
                                "write e.g. `title: My page`", file, 2))
        return {}
    good = {}
    nodes = getattr(meta, "nodes", {})
    # Keys as written (`on:` is "on", not True), so an unknown one is named and located as written.
    for key in nodes or meta:
        line = block.lines.get(str(key), 2)
        if key not in FRONT_MATTER_KEYS:
            problems.append(Problem(f"unknown front matter key {key!r}",
                                    "use one of: " + ", ".join(FRONT_MATTER_KEYS), file, line))
            continue
        kind, expected, shown, example = FRONT_MATTER_KEYS[key]
        fix = f"write {key}: followed by {shown}, e.g. {key}: {example}"
        try:
            value = read_value(kind, meta[key], nodes.get(key), fix)
        except ParamError as error:
            problems.append(Problem(f"front matter {key!r}: {error}", error.allowed, file, line))
            continue
        if not isinstance(value, expected) or isinstance(value, bool):
            problems.append(Problem(f"front matter {key!r} should be {shown}, not {value!r}", fix, file, line))
        else:
            good[key] = value
    return good


def _first_heading(tokens) -> str:
    """Return the text of the first level-1 heading, if any."""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return tokens[i + 1].content
    return ""
