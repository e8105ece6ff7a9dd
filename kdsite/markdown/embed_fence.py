"""The ```kd-embed``` fence: a live iframe of one of this site's widgets, plus the snippet to copy."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import escape

from kdsite.errors import Problem
from kdsite.markdown.fences import fences, token_type
from kdsite.markdown.yamlblock import load_block
from kdsite.model import Embed, page_record
from kdsite.urls import canonical_url
from kdsite.widgets.params import NUMBER, TEXT, ParamError, integer_between, read_value

DIRECTIVE = "kd-embed"

# A Web Worker must be same-origin with its page: without allow-same-origin the frame's
# origin is opaque and the browser refuses the worker, so both tokens are needed.
SANDBOX = "allow-scripts allow-same-origin"
# Without site_url the snippet says where the reader fills in their copy of the site.
PLACEHOLDER_URL = "YOUR-SITE-URL/"
# The frame's height in CSS pixels; the host script (embed.js) accepts no taller frame.
HEIGHT = integer_between(1, 10000)
HEIGHT_ALLOWED = "a whole number of pixels from 1 to 10000"


def iframe_snippet(url: str, title: str, height: int = 480, *, live: bool = False) -> str:
    """Return the HTML a host page pastes to embed one widget (live: the frame on this site's own page)."""
    # On this site's own page the frame is same-origin: a sandbox allowing scripts and same-origin
    # would isolate nothing there (validators reject it), and CSS gives the frame its width.
    extra = ("", "") if live else (' width="100%"', f' sandbox="{SANDBOX}"')
    return (f'<iframe data-kdsite-embed src="{escape(url)}" title="{escape(title)}"{extra[0]} '
            f'height="{height}" loading="lazy"{extra[1]}></iframe>')


def embed_fence_plugin(md: MarkdownIt) -> None:
    """Register the kd-embed fence: an iframe of one of this site's widgets, plus its snippet."""
    md.core.ruler.push("kd_embed", _collect_embeds)
    md.add_render_rule(token_type(DIRECTIVE), _render_embed)


def _collect_embeds(state) -> None:
    """Validate each kd-embed fence, recording its embed (or its problems) in the page's record."""
    record = page_record(state.env)
    for token, _words, line in fences(state, DIRECTIVE):
        block = load_block(token.content, record.file, line + 1, "kd-embed: the parameters", record.problems)
        data = block.data if block else None
        nodes = getattr(data, "nodes", {})
        if isinstance(data, dict):
            # Names as the author wrote them (`page: 2024` is the page 2024.md), numbers as numbers.
            for key in ("page", "widget"):
                try:
                    data[key] = read_value(TEXT, data[key], nodes.get(key), "a name")
                except (KeyError, ParamError):
                    pass  # missing or empty: the error below names both keys
        if not isinstance(data, dict) or not isinstance(data.get("page"), str) \
                or not isinstance(data.get("widget"), str):
            if block is not None:
                record.problems.append(Problem("kd-embed needs `page:` and `widget:`",
                                               "write e.g. page: index and widget: distillation-viz-1",
                                               record.file, line))
            token.meta["embed"] = None
            continue
        try:
            height = HEIGHT(read_value(NUMBER, data.get("height", 480), nodes.get("height"), HEIGHT_ALLOWED))
        except ParamError as error:
            record.problems.append(Problem(f"kd-embed: height: {error}", f"allowed: {error.allowed}",
                                           record.file, block.lines.get("height", line)))
            token.meta["embed"] = None
            continue
        embed = Embed(data["page"], data["widget"], height, record.file, line,
                      block.lines.get("page", line), block.lines.get("widget", line))
        record.embeds.append(embed)
        token.meta["embed"] = embed


def _render_embed(renderer, tokens, idx, options, env) -> str:
    """Render the live iframe and the snippet to copy."""
    embed = tokens[idx].meta.get("embed")
    if embed is None:
        return ""
    record = page_record(env)
    title = f"kdsite widget {embed.widget}"
    site = record.site_url or PLACEHOLDER_URL
    live = iframe_snippet(record.root + embed.path, title, embed.height, live=True)
    # A classic script: a module from another host would need that host's CORS headers.
    snippet = (iframe_snippet(canonical_url(site, embed.path), title, embed.height) + "\n"
               f'<script src="{escape(canonical_url(site, "_kd/static/embed.js"))}" defer></script>')
    return (f'<figure class="kd-embed-example">{live}<figcaption>Live: the embed of '
            f'<code>{escape(embed.page)}</code> / <code>{escape(embed.widget)}</code></figcaption></figure>\n'
            f'<pre class="kd-snippet"><code class="language-html">{escape(snippet)}</code></pre>\n')
