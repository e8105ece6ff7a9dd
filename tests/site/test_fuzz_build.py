"""Fuzz the whole build: generated pages either build a site, or fail with located errors.

Never a traceback: any exception but a KdsiteError fails the test. Every problem names a file
under content/ and a line inside it (only a whole non-page file, which has no lines, may go
without one) and says how to fix it. A failed build leaves the previous site byte for byte;
a successful one writes every page (none replaced by a file of the build's own) with links
that all work. Neither leaves a staging folder beside the site.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path

import pytest
from fuzz_content import Project, projects
from hypothesis import HealthCheck, event, example, given, settings
from link_checker import broken_links

from kdsite.build import MARKER, BuildReport, build
from kdsite.buildcache import BuildCache
from kdsite.config import load_config
from kdsite.errors import KdsiteError

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Return (project folder, output folder holding a good build, build cache) for the fuzzer."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "templates").symlink_to(PROJECT / "templates")
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("---\ntitle: Home\ndescription: A page.\norder: 0\n---\n# Home\n")
    # Figures and widget states computed once and reused: matplotlib takes seconds per figure.
    cache = BuildCache(root / "cache")
    output = root / "out" / "_site"
    build(load_config(root, output=output), cache=cache)
    return root, output, cache


def snapshot(folder: Path) -> dict[str, str]:
    """Return every file and folder under `folder` with the sha256 of each file's bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
            for p in sorted(folder.rglob("*"))}


def assert_located(problem, content: Path) -> None:
    """Fail unless `problem` names a file under content/, a line inside it, and a fix."""
    assert problem.message.strip() and problem.fix.strip(), f"problem without a message or fix: {problem!r}"
    assert problem.file is not None, f"problem without a file: {problem}"
    path = Path(problem.file) if Path(problem.file).is_absolute() else Path.cwd() / problem.file
    assert path.resolve() == content.resolve() or content.resolve() in path.resolve().parents, \
        f"problem names a file outside content/: {problem}"
    if path.suffix == ".md":
        lines = max(1, len(path.read_bytes().splitlines()))
        assert isinstance(problem.line, int) and 1 <= problem.line <= lines, \
            f"problem's line is not one of the file's {lines} lines: {problem}"
    else:
        # A file that is not a page (an image, or the content folder itself) has no line to name.
        assert problem.line is None, f"problem names a line of a file that is not a page: {problem}"


def write_project(root: Path, project: Project) -> Path:
    """Replace root/content with the generated files; return the content folder."""
    content = root / "content"
    shutil.rmtree(content)
    for name, data in project.files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_bytes(data)
    content.mkdir(exist_ok=True)
    return content


def written_title(page: Path) -> str:
    """Return the text of a written page's <title>."""
    found = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
    return html.unescape(found.group(1)) if found else ""


def check_build(workspace, project: Project) -> str:
    """Build `project` over the previous site; fail unless the build keeps every promise above."""
    root, output, cache = workspace
    content = write_project(root, project)
    before = snapshot(output)
    try:
        report = build(load_config(root, output=output, strict=project.strict), cache=cache)
    except KdsiteError as error:
        problems = getattr(error, "problems", [error.problem])
        assert problems
        outcome = "the build stopped with located problems"
        for problem in problems:
            assert_located(problem, content)
        assert snapshot(output) == before, "a failed build changed the previous site"
    else:
        assert isinstance(report, BuildReport)
        outcome = "the build succeeded" + (" with widgets" if any(p.widgets for p in report.pages) else "")
        for warning in report.warnings:
            assert_located(warning, content)
        assert (output / MARKER).is_file()
        overwritten = [p.path for p in report.pages if not written_title(output / p.path).startswith(p.title)]
        assert overwritten == [], "pages replaced by files the build makes itself"
        assert broken_links(output) == [], "the build checked its links, yet the site has broken ones"
    leftovers = [p.name for p in output.parent.iterdir() if p.name != output.name]
    assert leftovers == [], "the build left staging folders behind"
    return outcome


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(project=projects())
# Found by this test: kd-embed heights that are not whole numbers crashed the build.
@example(project=Project({"index.md": b"```kd-embed\npage: index\nwidget: demo\nheight: .inf\n```\n"}, False))
@example(project=Project({"index.md": b"```kd-embed\npage: index\nwidget: demo\nheight: null\n```\n"}, False))
# …and a bare & in display math: latex2mathml copied it into the MathML unescaped.
@example(project=Project({"index.md": b"# \n\n$$ & $$\n"}, False))
def test_build_succeeds_or_reports_located_problems(workspace, project):
    event(check_build(workspace, project))


WIDGET = b"# Home\n\n```kd-widget temperature-explorer\nid: demo\nlogits: [2, 1]\n```\n"


# Found by hand, beyond what the generator makes: pages the build would overwrite, or whose
# links would break; each is now a located error (content.py, _check_page_path).
@pytest.mark.parametrize("files", [
    {"_kd/static/x.md": b"# X\n"},  # FileExistsError: static files are copied over the page's folder
    {"404.md": b"# Lost\n"},  # replaced by the generated 404 page without a word
    {"embed/index/demo.md": b"# Demo\n"},  # replaced by the embed page of index.md's widget `demo`
    {"a#b.md": b"# A\n"},  # links to a#b.html lead to a.html, fragment b
    {"c d?.md": b"# C\n"},  # links to c d?.html lead to "c d", query ""
], ids=["static-folder", "404", "embed-page", "hash-in-name", "space-and-question-mark"])
def test_pages_at_awkward_paths(workspace, files):
    assert check_build(workspace, Project({"index.md": WIDGET, **files}, False)) == \
        "the build stopped with located problems"
