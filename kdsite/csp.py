"""The Content-Security-Policy every generated page carries, in a <meta> tag, and the one way a
page may widen it: allowing its own inline <script> and <style> elements by their sha256."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser

from markupsafe import escape

# Only the site's own files may run, load or be fetched; no inline script or style, but for
# what `policy` allows by hash (a page with widgets: kdsite/render.py; 404.html: publish.py).
# 'wasm-unsafe-eval' allows compiling WebAssembly (not eval). Pyodide compiles in the Web
# Worker, which a <meta> policy does not reach, so it matters only if a host sends this policy
# as a header too. data: images are allowed to scripts and CSS; Markdown never emits them
# (kdsite/markdown.py refuses data: URLs). No frame-ancestors: a <meta> policy ignores it,
# and other sites embedding the widgets is a feature. blob: workers: a page opened from disk
# (file://) can start its Python worker no other way (kdsite/static/file/boot.js); only the
# site's own scripts can make such a blob, since script-src stays 'self'.
DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "worker-src": "'self' blob:",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
}


def policy(script_hashes: Iterable[str] = (), style_hashes: Iterable[str] = ()) -> str:
    """Return the policy, with script-src and style-src also allowing the given source hashes
    ("'sha256-<base64>'", as `source_hash` makes them); with none, the policy of every page."""
    extra = {"script-src": list(script_hashes), "style-src": list(style_hashes)}
    return "; ".join(" ".join([f"{name} {value}", *extra.get(name, [])]) for name, value in DIRECTIVES.items())


CONTENT_SECURITY_POLICY = policy()


def source_hash(text: str) -> str:
    """Return the CSP source expression that allows an inline element whose text is `text`."""
    # Browsers hash the element's text after HTML parsing turned every CR LF and CR into LF.
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(normalized.encode("utf-8")).digest()).decode() + "'"


class _InlineCode(HTMLParser):
    """Collect the text of every inline <script> (one without src) and every <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._open: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "style" or (tag == "script" and "src" not in dict(attrs)):
            self._open, self._text = (self.styles if tag == "style" else self.scripts), []

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._open is not None and tag in ("script", "style"):
            self._open.append("".join(self._text))
            self._open = None


def allow_own_inline_code(html: str) -> str:
    """Return `html` with its policy <meta> widened to allow exactly its own inline scripts and
    styles, by hash (no 'unsafe-inline'); a page without any, or without the policy, is unchanged.

    Only for pages made from the site's templates alone (404.html), never for pages that
    include what authors wrote: with raw_html on, that would allow the scripts they wrote."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    if not parser.scripts and not parser.styles:
        return html
    common = f'content="{escape(CONTENT_SECURITY_POLICY)}"'
    own = policy([source_hash(s) for s in dict.fromkeys(parser.scripts)],
                 [source_hash(s) for s in dict.fromkeys(parser.styles)])
    return html.replace(common, f'content="{escape(own)}"', 1)
