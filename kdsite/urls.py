"""Site paths and URLs shared by pages, embeds, figures and the publishing files."""

from urllib.parse import urljoin

EMBED_DIR = "embed"


def canonical_url(site_url: str, page_path: str) -> str:
    """Return a page's absolute URL under site_url ("index.html" becomes its folder)."""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", page_path.removesuffix("index.html"))


def embed_path(page_path: str, widget_id: str) -> str:
    """Return e.g. embed/glossary/knowledge-distillation/distill-steps.html."""
    return f"{EMBED_DIR}/{page_path.removesuffix('.html')}/{widget_id}.html"


def figure_path(name: str) -> str:
    """Return where figure `name` is written, relative to the site root."""
    return f"_kd/figures/{name}.svg"
