"""Links and images in Markdown: `page.md` links become `page.html`; each is recorded with its line."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from markdown_it import MarkdownIt

from kdsite.model import Ref, page_record


def links_plugin(md: MarkdownIt) -> None:
    """Register the core rule that rewrites page links and records them in the page's record."""
    md.core.ruler.push("kd_links", _record_links)


def page_url(url: str) -> str:
    """Return `url` with a local `….md` path made `….html`, the page it becomes; others unchanged."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return url
    return urlunsplit(parts._replace(path=parts.path.removesuffix(".md") + ".html"))


def token_line(block, token) -> int:
    """Return the source line of `token`, a child of the inline token `block`."""
    line = (block.map[0] if block.map else 0) + 1
    for child in block.children or []:
        if child is token:
            break
        line += 1 if child.type in ("softbreak", "hardbreak") else child.content.count("\n")
    return line


def _record_links(state) -> None:
    """Rewrite every link to a page's .md file to its .html, and record every link and image."""
    refs = page_record(state.env).links
    for block in state.tokens:
        if block.type != "inline":
            continue
        for child in block.children or []:
            if child.type == "link_open":
                written = str(child.attrGet("href") or "")
                child.attrSet("href", page_url(written))
                refs.append(Ref(written, page_url(written), token_line(block, child)))
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                refs.append(Ref(src, src, token_line(block, child), image=True, alt=child.content))
