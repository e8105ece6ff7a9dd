"""The build pipeline: load config → gather pages → pre-render → render → write."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kdsite import _numpy_avx512
from kdsite.buildcache import BuildCache
from kdsite.config import Config
from kdsite.content import chapters, gather_pages
from kdsite.content_files import check_content_files, copy_content_files
from kdsite.core.states import compute_state
from kdsite.embeds import check_embeds, glossary_json, render_embed_pages
from kdsite.errors import BuildErrors, ConfigError, Problem, StrictWarnings
from kdsite.figures import is_inline, render_figure
from kdsite.files import STATIC_DIR, cache_root
from kdsite.link_check import check_links
from kdsite.markdown.parser import make_markdown
from kdsite.model import Page, RenderedFigure
from kdsite.offline_zip import write_offline_zip
from kdsite.publish import SERVICE_WORKER, write_publish_files
from kdsite.pyodide.file_bundle import FILE_BOOT_DIR, write_file_bundle
from kdsite.pyodide.precompress import precompress_runtime
from kdsite.render import INLINE_DIR, make_environment, render_page
from kdsite.urls import figure_path

# Written into every output so a later build knows the folder is its own to replace.
MARKER = ".kdsite-build"


@dataclass
class BuildReport:
    """What a build made and noticed."""

    pages: list[Page]
    output: Path
    seconds: float
    warnings: list[Problem] = field(default_factory=list)


def check_numpy_loops(features: dict[str, bool] | None = None, dispatched: list[str] | None = None) -> None:
    """Raise ConfigError if numpy runs its AVX-512 loops, whose exp and log round some pre-rendered
    numbers apart from the browser's (kdsite/__init__.py says why and turns them off, unless numpy
    was imported before kdsite). `features` and `dispatched` are the loaded numpy's
    __cpu_features__ and __cpu_dispatch__ (a test passes its own)."""
    if features is None or dispatched is None:
        try:
            from numpy._core._multiarray_umath import __cpu_dispatch__ as dispatched
            from numpy._core._multiarray_umath import __cpu_features__ as features
        except ImportError:  # a numpy without them: nothing to check
            return
    if any(features.get(name) for name in dispatched if name.startswith(("X86_V4", "AVX512"))):
        raise ConfigError("numpy was imported before kdsite, with its AVX-512 exp and log loops: the "
                          "numbers the build pre-renders would differ from the browser's in the last digits",
                          f'import kdsite before numpy, or set NPY_DISABLE_CPU_FEATURES="{_numpy_avx512()}"')


def build(config: Config, cache: BuildCache | None = None) -> BuildReport:
    """Build the whole site into config.output_dir; raise BuildErrors listing every problem."""
    start = time.perf_counter()
    check_numpy_loops()
    check_output_dir(config)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    pages = gather_pages(config.content_dir, problems, raw_html=config.raw_html)
    check_embeds(pages, problems)
    check_links(pages, config.content_dir, problems)
    check_content_files(config.content_dir, [page.path for page in pages], problems)
    _check_pages(pages, warnings)
    warnings.extend(w for page in pages for w in page.warnings)  # noticed while parsing
    if problems:
        raise BuildErrors(problems)
    if config.strict and warnings:
        raise StrictWarnings(warnings)
    cache = cache or BuildCache(build_cache_dir())
    _prerender(pages, problems, cache)
    figures = _prerender_figures(pages, problems, cache)
    cache.prune()
    if problems:
        raise BuildErrors(problems)

    env = make_environment(config.templates_dir)
    md = make_markdown()
    site = {"title": config.title, "language": config.language, "url": config.site_url}
    files = {page.path: render_page(env, md, page, site, pages) for page in pages}
    files.update(figures)
    files.update(render_embed_pages(env, pages, site))
    files["glossary.json"] = glossary_json(pages, config.site_url)
    files["404.html"] = env.get_template("404.html").render(site=site, root=_root_path(config.site_url),
                                                            page={"title": "Page not found", "description": "",
                                                                  "widgets": [], "stylesheets": [],
                                                                  "canonical": "", "embeds": False},
                                                            nav={"previous": None, "next": None})
    with_widgets = any(page.widgets for page in pages)
    _write_site(config, files, with_widgets, [page.path for page in pages])
    return BuildReport(pages, config.output_dir, time.perf_counter() - start, warnings)


def _check_pages(pages: list[Page], warnings: list[Problem]) -> None:
    """Add a warning for each page that lacks what readers and search engines use."""
    for page in pages:
        if not page.description:
            warnings.append(Problem("page has no description", "add `description: …` to its front matter",
                                    page.file, 1))
    seen: dict[int, Page] = {}
    for page in chapters(pages):
        if not page.ordered:
            warnings.append(Problem("chapter has no order, so it comes last in the table of contents",
                                    "add `order: N` to its front matter (a whole number; 0 comes first)",
                                    page.file, 1))
        elif page.order in seen:
            warnings.append(Problem(f"chapter has the same order ({page.order}) as {seen[page.order].path}",
                                    "give every chapter its own `order`", page.file, 1))
        else:
            seen[page.order] = page


def build_cache_dir() -> Path:
    """Return where builds keep computed states and figures between runs."""
    return cache_root() / "build"


def _prerender(pages: list[Page], problems: list[Problem], cache: BuildCache) -> None:
    """Compute every widget's first state with the same functions the browser runs."""
    for page in pages:
        for widget in page.widgets:
            try:
                widget.state = cache.get_or_compute("state", [widget.name, widget.config],
                                                    lambda w=widget: compute_state(w.name, w.config, {}))
            except (ValueError, ArithmeticError) as error:
                problems.append(Problem(f"widget {widget.name}: {error}", "check its parameters",
                                        widget.file, widget.line))


def _prerender_figures(pages: list[Page], problems: list[Problem], cache: BuildCache) -> dict[str, str]:
    """Draw every figure the pages place, once each; return their files by site path."""
    drawn: dict[str, RenderedFigure | None] = {}
    for page in pages:
        for figure in page.figures:
            if figure.name not in drawn:
                try:
                    fields = cache.get_or_compute("figure", figure.name,
                                                  lambda name=figure.name: vars(render_figure(name)))
                    drawn[figure.name] = RenderedFigure(**fields)
                except (ValueError, ArithmeticError) as error:
                    drawn[figure.name] = None
                    problems.append(Problem(f"figure {figure.name}: {error}", "check the figure's code",
                                            figure.file, figure.line))
            figure.rendered = drawn[figure.name]
    # An inline figure lives in its pages' markup: a file of it would only be cached, never shown.
    return {figure_path(name): rendered.svg for name, rendered in drawn.items()
            if rendered is not None and not is_inline(name)}


def check_output_dir(config: Config) -> None:
    """Refuse an output folder whose replacement would delete something the user wrote."""
    out = config.output_dir
    sources = {"content": config.content_dir, "templates": config.templates_dir}
    guarded = {"the project root": config.root, "your home folder": Path.home().resolve(), **sources}
    for name, path in guarded.items():
        if out == path or out in path.parents:
            raise ConfigError(f"output folder {out} is or contains {name}", "choose another --output, such as _site")
    for name, path in sources.items():
        if path in out.parents:
            raise ConfigError(f"output folder {out} lies inside {name}", "choose another --output, such as _site")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ConfigError(f"output folder {out} exists and was not made by kdsite",
                          "move its files away or choose another --output")


def _root_path(site_url: str) -> str:
    """Return the site's absolute path prefix for 404.html, which is served at any depth."""
    # Without site_url, links resolve from wherever the missing page was asked for.
    return urlsplit(site_url).path.rstrip("/") + "/" if site_url else ""


def _write_site(config: Config, files: dict[str, str], with_widgets: bool, page_paths: list[str]) -> None:
    """Write everything into a fresh folder, then swap it in: a failed build leaves the old site."""
    out = config.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for path, html in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        # Images and other files beside the pages, at the same relative paths.
        copy_content_files(config.content_dir, staging)
        # sw.js is a template for the service worker written at the site root.
        shutil.copytree(STATIC_DIR, staging / "_kd" / "static",
                        ignore=shutil.ignore_patterns("__pycache__", "*.py", SERVICE_WORKER, FILE_BOOT_DIR, INLINE_DIR))
        if with_widgets:
            _write_runtime(config, staging / "_kd" / "pyodide")
            # Hosts leave wheels and zips as they are, and some compress nothing: the worker fetches
            # `<file>.xz` and decompresses it itself. The originals stay for tools that read the site;
            # no reader fetches them.
            precompress_runtime(staging / "_kd" / "pyodide", keep_originals=True, cache=cache_root() / "xz")
            # What a page opened from disk loads instead of modules and fetches (never over http):
            # the .xz files too, so it comes after.
            write_file_bundle(staging)
        # Last: the offline manifest lists every file written above.
        write_publish_files(staging, page_paths, config.site_url)
        (staging / MARKER).write_text("Made by kdsite build; replaced whole by the next build.\n")
        # After everything else: the download holds every file above, and its size is on the pages.
        write_offline_zip(staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_runtime(config: Config, dest: Path) -> None:
    """Put Pyodide, the verified wheels, our core wheel and the site lock into dest."""
    from kdsite.pyodide.bundle import write_runtime
    from kdsite.pyodide.fetch import ensure_pyodide
    from kdsite.pyodide.wheel import build_core_wheel

    dist = ensure_pyodide(wheel_dir=config.pyodide_dir)
    with tempfile.TemporaryDirectory() as tmp:
        write_runtime(dist, dest, build_core_wheel(Path(tmp)))


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames."""
    os.chmod(staging, 0o755)
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)
