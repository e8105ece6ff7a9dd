"""The site under test: build it, find its pages with widgets, add the peer pages (naive, PyScript)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bench.pyscript_peer import write_pyscript
from kdsite.build import MARKER, build
from kdsite.config import CONFIG_FILE, Config, load_config

BENCH_DIR = Path(__file__).resolve().parent
NAIVE_DIR = "_bench"  # the peer pages: in the served folder only, never in a built site
# The README's example, used for the peer page when no page has a distillation-viz.
DEFAULT_VIZ = {"teacher": [0.7, 0.2, 0.05, 0.03, 0.02], "student": [0.55, 0.18, 0.12, 0.1, 0.05],
               "temperature": 1.0}


@dataclass
class PageInfo:
    """What the static HTML of one page says about its widgets."""

    path: str  # relative to the site root, e.g. "index.html"
    widgets: list[tuple[str, dict]] = field(default_factory=list)  # (name, config) in page order
    slider: bool = False  # has an input[type=range][data-kd-control]
    training: bool = False  # has a training-lab with a Play button


class _WidgetScanner(HTMLParser):
    """Collect widgets, range controls and training-lab Play buttons of one page."""

    def __init__(self, info: PageInfo):
        super().__init__()
        self.info = info
        self.stack: list[tuple[str, str | None]] = []  # (tag, widget name if a widget root)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-kd-widget" in a:
            self.info.widgets.append((a["data-kd-widget"], json.loads(a.get("data-kd-config") or "{}")))
        if tag == "input" and a.get("type") == "range" and "data-kd-control" in a:
            self.info.slider = True
        lab = any(name == "training-lab" for _, name in self.stack) or a.get("data-kd-widget") == "training-lab"
        if a.get("data-kd-action") == "play" and lab:
            self.info.training = True
        if tag not in ("input", "img", "br", "hr", "meta", "link", "source", "wbr", "area", "col", "embed"):
            self.stack.append((tag, a.get("data-kd-widget")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed tags
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def snapshot(project: Path, dest: Path) -> Config:
    """Copy content/, templates/ and kdsite.toml (if present) into `dest`; return its config.

    The harness builds only this copy, taken once at the start: edits made to the project
    while it runs (by anyone, or by the harness itself) never reach a build half-made.
    """
    real = load_config(project)
    shutil.copytree(real.content_dir, dest / "content")
    shutil.copytree(real.templates_dir, dest / "templates")
    if (project / CONFIG_FILE).exists():
        shutil.copy2(project / CONFIG_FILE, dest / CONFIG_FILE)
    config = load_config(dest)
    # Wherever kdsite.toml puts them, read the copies; take Pyodide from the real project's folder.
    config.content_dir, config.templates_dir = dest / "content", dest / "templates"
    config.pyodide_dir = real.pyodide_dir
    return config


def ensure_site(config: Config, output: Path) -> float | None:
    """Build into `output` unless a kdsite build is already there; return the seconds taken."""
    if (output / MARKER).exists():
        return None
    config.output_dir = output
    return build(config).seconds


def widget_pages(site: Path) -> list[PageInfo]:
    """Return every built page with at least one widget, index.html first, then by path."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith(("_kd/", NAIVE_DIR + "/")):
            continue
        info = PageInfo(rel)
        _WidgetScanner(info).feed(html.read_text(encoding="utf-8"))
        if info.widgets:
            pages.append(info)
    return sorted(pages, key=lambda p: (p.path != "index.html", p.path))


def serve_root(site: Path, root: Path) -> Path:
    """Make `root` show the site (symlinks, so the build is never touched) plus the peer page."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():
        (root / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return root


def first_viz(pages: list[PageInfo]) -> dict:
    """Return the parameters of the first distillation-viz (the README's example if there is none)."""
    return next((c for p in pages for name, c in p.widgets if name == "distillation-viz"), DEFAULT_VIZ)


def write_peers(root: Path, site: Path, pages: list[PageInfo], pyodide_dir: Path | None = None) -> dict[str, str]:
    """Write the peer pages into root's NAIVE_DIR; return {"naive": path, "pyscript": path} under root.

    The naive page uses Pyodide's official files (write_naive); the PyScript page the site's own.
    """
    site_pyodide = json.loads((site / "_kd" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    naive = write_naive(root, pages, pyodide_dir)
    pyscript = write_pyscript(root / NAIVE_DIR, "/", first_viz(pages), site_pyodide["info"]["version"])
    return {"naive": naive, "pyscript": f"{NAIVE_DIR}/{pyscript}"}


def write_naive(root: Path, pages: list[PageInfo], pyodide_dir: Path | None = None) -> str:
    """Write the naive peer page for the first distillation-viz; return its path under root.

    The peer loads Pyodide's official release files, as peers' exports ship them (sources
    only: no precompiled stdlib or numpy), from its own folder beside the site.
    """
    config = first_viz(pages)
    numbers = {key: config[key] for key in ("teacher", "student", "temperature") if key in config}
    folder = root / NAIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    _official_runtime(folder / "pyodide", pyodide_dir)
    (folder / "naive.js").write_text((BENCH_DIR / "naive.js").read_text(encoding="utf-8"), encoding="utf-8")
    config_attr = json.dumps(numbers).replace("&", "&amp;").replace("'", "&#39;")
    (folder / "naive.html").write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Naive peer</title>\n"
        "<script type=\"module\" src=\"naive.js\"></script></head>\n<body>\n"
        f"<p id=\"naive\" data-config='{config_attr}'>KL(teacher ‖ student) = <span>…</span> nats</p>\n"
        "</body></html>\n", encoding="utf-8")
    return f"{NAIVE_DIR}/naive.html"


def _official_runtime(dest: Path, wheel_dir: Path | None) -> None:
    """Copy the verified official Pyodide files and numpy's closure (official lock) into dest."""
    from kdsite.pyodide.fetch import ensure_pyodide, resolve_closure
    from kdsite.pyodide.pins import SITE_CORE_FILES

    dist = ensure_pyodide(wheel_dir=wheel_dir)
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_CORE_FILES:
        shutil.copy2(dist.core_file(name), dest / name)
    for name in resolve_closure(dist.lock, ["numpy"]):
        shutil.copy2(dist.wheels[name], dest / dist.lock["packages"][name]["file_name"])
