"""Every HTML page and SVG file of the built site passes the Nu Html Checker without an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from npm_asset import NpmAsset, ensure_npm_asset

# First run fetches the checker with npm; later runs use the cache.
pytestmark = pytest.mark.network

# sha256 of the npm registry's tarball of vnu-jar@26.9.27 (what `npm pack` saves).
VNU = NpmAsset("vnu-jar", "26.9.27", "5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7",
               "package/build/dist/vnu.jar")
NO_JAVA = ("the HTML checker needs Java 17 or newer: install a JRE (apt-get install -y default-jre-headless), "
           "run the tests through `make test` (scripts/ensure-java installs one), or set KDSITE_JAVA")


def java() -> str:
    """Return the java binary to run the checker with, or fail saying how to get one."""
    path = os.environ.get("KDSITE_JAVA") or shutil.which("java")
    if not path:
        pytest.fail(NO_JAVA, pytrace=False)
    return path


def check(files: list[Path]) -> list[dict]:
    """Run the checker once over `files` (SVG files checked as SVG); return its error messages."""
    cmd = [java(), "-jar", str(ensure_npm_asset(VNU)), "--errors-only", "--also-check-svg",
           "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(done.stdout)["messages"]
    except ValueError:
        pytest.fail(f"the checker did not report (exit {done.returncode}; {NO_JAVA}):\n{done.stderr[-2000:]}",
                    pytrace=False)


def located(message: dict, root: Path) -> str:
    """Return one checker message as `path:line: message`, the path relative to `root`."""
    url = message.get("url", "")
    path = Path(url.removeprefix("file:")) if url.startswith("file:") else Path(url)
    where = path.relative_to(root).as_posix() if path.is_relative_to(root) else url
    return f"{where}:{message.get('lastLine', '?')}: {message['message']}"


def test_checker_reports_located_errors(tmp_path):
    # Proof the check below can fail: a page with known errors is reported, line by line.
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html>\n<html lang="en"><title>t</title>\n<p>ok</p>\n<img src="a.png">\n'
                   '<math><mn class="">1</mn></math>\n')
    svg = tmp_path / "bad.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<rect widht="1"/>\n</svg>\n')
    reported = [located(m, tmp_path) for m in check([bad, svg])]
    assert any(r.startswith("bad.html:4: ") and "alt" in r for r in reported), reported
    assert any(r.startswith("bad.html:5: ") and "class" in r for r in reported), reported
    assert any(r.startswith("bad.svg:2: ") and "widht" in r for r in reported), reported


def test_built_site_is_valid_html(built_site):
    files = sorted(p for p in built_site.rglob("*") if p.suffix in (".html", ".svg"))
    assert {"index.html", "404.html", "_kd/figures/roofline.svg"} <= {p.relative_to(built_site).as_posix()
                                                                       for p in files}
    errors = [located(m, built_site) for m in check(files)]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)
