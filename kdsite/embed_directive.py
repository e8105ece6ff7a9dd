"""The ```kd-embed``` fence: a live iframe of one of this site's widgets, plus the snippet to copy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import escape

from kdsite.errors import Problem
from kdsite.urls import canonical_url, embed_path
from kdsite.widgets.params import NUMBER, TEXT, ParamError, integer_between, read_value
from kdsite.yamlblock import load_block

# A Web Worker must be same-origin with its page: without allow-same-origin the frame's
# origin is opaque and the browser refuses the worker, so both tokens are needed.
SANDBOX = "allow-scripts allow-same-origin"
# Without site_url the snippet says where the reader fills in their copy of the site.
PLACEHOLDER_URL = "YOUR-SITE-URL/"
# The frame's height in CSS pixels; the host script (embed.js) accepts no taller frame.
HEIGHT = integer_between(1, 10000)
HEIGHT_ALLOWED = "a whole number of pixels from 1 to 10000"


@dataclass
class Embed:
    """A ```kd-embed``` block: which page's widget to show live in an iframe."""

    page: str
    widget: str
    height: int
    file: Path
    line: int
    # Where `page:` and `widget:` are written, for errors about them.
    page_line: int = 0
    widget_line: int = 0

    @property
    def path(self) -> str:
        """Return the embed page's path from the site root."""
        return embed_path(f"{self.page}.html", self.widget)


def iframe_snippet(url: str, title: str, height: int = 480, *, live: bool = False) -> str:
    """Return the HTML a host page pastes to embed one widget (live: the frame on this site's own page)."""
    # On this site's own page the frame is same-origin: a sandbox allowing scripts and same-origin
    # would isolate nothing there (validators reject it), and CSS gives the frame its width.
    extra = ("", "") if live else (' width="100%"', f' sandbox="{SANDBOX}"')
    return (f'<iframe data-kdsite-embed src="{escape(url)}" title="{escape(title)}"{extra[0]} '
            f'height="{height}" loading="lazy"{extra[1]}></iframe>')


def embed_plugin(md: MarkdownIt) -> None:
    """Register the kd-embed fence: an iframe of one of this site's widgets, plus its snippet."""
    md.core.ruler.push("kd_embed", _collect)
    md.add_render_rule("kd_embed", _render)


def _collect(state) -> None:
    """Turn kd-embed fences into kd_embed tokens, recording them in env["embeds"]."""
    env = state.env
    for token in state.tokens:
        if token.type != "fence" or token.info.split()[:1] != ["kd-embed"]:
            continue
        token.type = "kd_embed"
        line = env.get("line_offset", 0) + token.map[0] + 1
        block = load_block(token.content, env["file"], line + 1, "kd-embed: the parameters", env["problems"])
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
                env["problems"].append(Problem("kd-embed needs `page:` and `widget:`",
                                               "write e.g. page: index and widget: distillation-viz-1",
                                               env["file"], line))
            token.meta["embed"] = None
            continue
        try:
            height = HEIGHT(read_value(NUMBER, data.get("height", 480), nodes.get("height"), HEIGHT_ALLOWED))
        except ParamError as error:
            env["problems"].append(Problem(f"kd-embed: height: {error}", f"allowed: {error.allowed}",
                                           env["file"], block.lines.get("height", line)))
            token.meta["embed"] = None
            continue
        embed = Embed(data["page"], data["widget"], height, env["file"], line,
                      block.lines.get("page", line), block.lines.get("widget", line))
        env.setdefault("embeds", []).append(embed)
        token.meta["embed"] = embed


def _render(renderer, tokens, idx, options, env) -> str:
    """Render the live iframe and the snippet to copy."""
    embed = tokens[idx].meta.get("embed")
    if embed is None:
        return ""
    title = f"kdsite widget {embed.widget}"
    site = env.get("site_url") or PLACEHOLDER_URL
    live = iframe_snippet(env["root"] + embed.path, title, embed.height, live=True)
    # A classic script: a module from another host would need that host's CORS headers.
    snippet = (iframe_snippet(canonical_url(site, embed.path), title, embed.height) + "\n"
               f'<script src="{escape(canonical_url(site, "_kd/static/embed.js"))}" defer></script>')
    return (f'<figure class="kd-embed-example">{live}<figcaption>Live: the embed of '
            f'<code>{escape(embed.page)}</code> / <code>{escape(embed.widget)}</code></figcaption></figure>\n'
            f'<pre class="kd-snippet"><code class="language-html">{escape(snippet)}</code></pre>\n')
