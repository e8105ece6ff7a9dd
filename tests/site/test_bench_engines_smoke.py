"""Smoke test of `python -m bench.engines` (per-engine time to live, served and from disk): one
run, one page, Chromium only (each engine's driver is tested in tests/engines), on the session's
built site. It checks the figures are there and consistent; nothing about speed is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kdsite.offline_zip import size_text
from kdsite.publish import OFFLINE_ZIP

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]


def test_one_run_times_both_ways_and_reports_the_download(built_site, tmp_path):
    if not Path(os.environ.get("KDSITE_CHROMIUM") or "/usr/bin/chromium").exists():
        pytest.fail("no Chromium: run the tests with `make test` or set KDSITE_CHROMIUM")
    results = tmp_path / "engines.json"
    done = subprocess.run([sys.executable, "-m", "bench.engines", "--runs", "1", "--engines", "chromium",
                           "--pages", "index.html", "--site", str(built_site), "--results", str(results)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, f"python -m bench.engines failed:\n{done.stdout}\n{done.stderr}"
    figures = json.loads(results.read_text())
    assert figures["errors"] == [] and figures["meta"]["unavailable"] == {}
    for way in ("served", "from disk"):
        stat = figures["time_to_live_s"][f"chromium/{way}/index.html"]
        assert len(stat["runs"]) == 1 and stat["median"] > 0, way
        assert figures["ratio_to_chromium"][f"chromium/{way}/index.html"] == 1.0
    size = (built_site / OFFLINE_ZIP).stat().st_size
    assert figures["offline_zip_bytes"] == size
    assert f"{OFFLINE_ZIP}, {size_text(size)} ({size:,} bytes)" in done.stdout
    assert "chromium" in done.stdout and "from disk (file://)" in done.stdout
