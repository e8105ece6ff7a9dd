"""Files beside the pages (images, downloads): copied into the site at the same relative paths."""

from __future__ import annotations

import shutil
from pathlib import Path

from kdsite.errors import Problem
from kdsite.files import display_path
from kdsite.urls import EMBED_DIR

# What the build itself writes at the site root; a content file there would be overwritten.
GENERATED_FILES = frozenset({"404.html", "glossary.json", "sitemap.xml", "sw.js", ".nojekyll", ".kdsite-build"})
GENERATED_DIRS = ("_kd/", f"{EMBED_DIR}/")


def is_generated(site_path: str) -> bool:
    """Return whether the build writes a file of its own at `site_path`."""
    return site_path in GENERATED_FILES or site_path.startswith(GENERATED_DIRS)


def content_files(content_dir: Path) -> dict[str, Path]:
    """Return every file in content_dir but the pages and hidden files, by site path."""
    files = {}
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir)
        # Hidden files (.DS_Store, editor swap files, .git) are never meant for readers.
        if path.is_file() and path.suffix != ".md" and not any(p.startswith(".") for p in relative.parts):
            files[relative.as_posix()] = path
    return files


def check_content_files(content_dir: Path, page_paths: list[str], problems: list[Problem]) -> None:
    """Add a problem for each content file the build would overwrite with one of its own."""
    for site_path, source in content_files(content_dir).items():
        if is_generated(site_path) or site_path in page_paths:
            problems.append(Problem("kdsite writes a file of its own at this place in the site",
                                    "rename the file or move it into a folder of its own",
                                    display_path(source)))


def copy_content_files(content_dir: Path, dest: Path) -> None:
    """Copy every content file (not the pages) into dest, keeping its path."""
    for site_path, source in content_files(content_dir).items():
        target = dest / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
