"""Embedding from any host: the snippet and the pages load embed.js as a plain (classic) script,
which a browser fetches without CORS; kd-embed names pages the one way links do not."""

import html
import re
from pathlib import Path

import pytest

from kdsite.embeds import _page_fix

STATIC = Path(__file__).resolve().parents[2] / "kdsite" / "static"
# A module statement at the start of a line: a classic script cannot hold one.
MODULE_SYNTAX = re.compile(r"^\s*(import|export)\b|\bimport\.meta\b", re.M)


def scripts(text: str, name: str) -> list[str]:
    """Return every <script> tag in `text` that loads `name`."""
    return [tag for tag in re.findall(r"<script\b[^>]*>", text) if f"/{name}\"" in tag or f"\"{name}\"" in tag]


def test_the_embedding_snippet_loads_embed_js_as_a_plain_script(built_site):
    page = (built_site / "embedding.html").read_text(encoding="utf-8")
    snippet = html.unescape(re.search(r'<pre class="kd-snippet"><code[^>]*>(.*?)</code></pre>', page, re.S).group(1))
    (tag,) = scripts(snippet, "_kd/static/embed.js")
    assert "type=" not in tag and "crossorigin" not in tag
    # The site's own page with a live embed loads it the same way.
    (own,) = scripts(page, "_kd/static/embed.js")
    assert "type=" not in own


@pytest.mark.parametrize("name", ["embed.js", "embed-frame.js", "local-file.js", "offline-copy.js"])
def test_the_scripts_that_must_run_anywhere_are_classic(name, built_site):
    source = (STATIC / name).read_text(encoding="utf-8")
    assert not MODULE_SYNTAX.search(source), f"{name} must stay a classic script"
    embed_page = (built_site / "embed" / "index" / "distillation-viz-1.html").read_text(encoding="utf-8")
    for tag in scripts(embed_page, f"_kd/static/{name}"):
        assert "type=" not in tag


@pytest.mark.parametrize(("written", "fix"), [
    ("index.md", "write page: index"),
    ("index.html", "write page: index"),
    ("content/glossary/term.md", "write page: glossary/term"),
    ("./glossary/term", "write page: glossary/term"),
    ("glossary/terms.md", "did you mean glossary/term?"),
    ("nothing-like-it", "e.g. page: index"),
])
def test_a_page_named_by_its_file_gets_the_form_that_names_it(written, fix):
    assert fix in _page_fix(written, ["index", "glossary/term"])
