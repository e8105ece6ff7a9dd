"""The bench's PyScript peer page, on a fake PyScript package (no npm, no browser)."""

from __future__ import annotations

import html
import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from bench import pyscript_peer
from bench.pyscript_peer import PAGE, PYSCRIPT_VERSION, default_pyodide, pyscript_dist, write_pyscript
from kdsite.errors import AssetError

CORE_CHUNK = 'var x={type:"pyodide",module:(e="0.27.7")=>`https://cdn/pyodide/v${e}/full/pyodide.mjs`};'
VIZ = {"teacher": [0.7, 0.3], "student": [0.6, 0.4], "labels": ['<b>&"cat\'', "dog"], "temperature": 1.0,
       "temp_range": [0.25, 10.0]}


def fake_tarball(folder: Path) -> Path:
    members = {"package/dist/core.js": b"import './core-abc.js';", "package/dist/core-abc.js": CORE_CHUNK.encode(),
               "package/dist/core.js.map": b"{}", "package/dist/core.css": b"py-script{}",
               "package/src/core.js": b"source", "package/package.json": b"{}"}
    tgz = folder / "pyscript-core.tgz"
    with tarfile.open(tgz, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return tgz


@pytest.fixture
def npm(monkeypatch, tmp_path):
    """Stand in for `npm pack`: count the calls, hand out the fake tarball."""
    calls = []

    def pack(dest_dir: Path, spec: str, sha256: str) -> Path:
        calls.append((spec, sha256))
        return fake_tarball(dest_dir)

    monkeypatch.setattr(pyscript_peer, "verified_npm_tarball", pack)
    monkeypatch.setattr(pyscript_peer, "cache_root", lambda: tmp_path / "cache")
    return calls


def test_pyscript_is_fetched_once_by_name_and_pinned_keeping_only_its_dist_files(npm, tmp_path):
    dist = pyscript_dist()
    assert npm == [(f"@pyscript/core@{PYSCRIPT_VERSION}", pyscript_peer.PYSCRIPT_NPM_SHA256)]
    assert sorted(p.name for p in dist.iterdir()) == ["core-abc.js", "core.css", "core.js"]
    assert pyscript_dist() == dist and len(npm) == 1  # cached
    assert default_pyodide(dist) == "0.27.7"


def test_the_page_runs_pyscript_on_the_local_official_pyodide_and_numpy(npm, tmp_path):
    folder = tmp_path / "peers"
    folder.mkdir()
    assert write_pyscript(folder, "/", VIZ, "0.27.7") == PAGE
    page = (folder / PAGE).read_text(encoding="utf-8")
    assert (folder / "pyscript" / "core.js").is_file()
    assert '<script type="module" src="pyscript/core.js"></script>' in page
    config = json.loads(html.unescape(re.search(r'<script type="py" config="([^"]*)">', page).group(1)))
    assert config == {"interpreter": "/peers/pyodide/pyodide.mjs", "packages": ["numpy"],
                      "packages_cache": "passthrough"}
    assert json.loads(html.unescape(re.search(r'data-config="([^"]*)"', page).group(1))) == VIZ
    assert "<b>" not in page and html.escape(VIZ["labels"][0]) in page
    assert 'min="0.25" max="10.0"' in page
    assert (Path(pyscript_peer.__file__).parent / "pyscript_widget.py").read_text(encoding="utf-8") in page


def test_a_site_on_another_pyodide_is_refused_naming_both_versions(npm, tmp_path):
    with pytest.raises(AssetError, match=r"made for Pyodide 0\.27\.7, the site ships 0\.28\.0") as error:
        write_pyscript(tmp_path, "/", VIZ, "0.28.0")
    assert "bench/pyscript_peer.py" in error.value.problem.fix
