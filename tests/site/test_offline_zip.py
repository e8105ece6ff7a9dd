"""The offline download (kdsite/offline_zip.py): the whole site in one deterministic zip, linked
from every chapter's footer with its size, never precached by the service worker."""

import json
import re
import zipfile
import zlib

import pytest

from kdsite.offline_zip import FOLDER, SIZE_PLACEHOLDER, size_text, write_offline_zip
from kdsite.publish import OFFLINE_ZIP


def test_the_zip_holds_exactly_the_site_under_one_folder(built_site):
    archive = built_site / OFFLINE_ZIP
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.testzip() is None  # every CRC matches
        names = zipped.namelist()
        site = {p.relative_to(built_site).as_posix(): p for p in built_site.rglob("*") if p.is_file()}
        assert sorted(names) == names and [n.removeprefix(FOLDER) for n in names] == sorted(set(site) - {OFFLINE_ZIP})
        for info in zipped.infolist():
            assert zipped.read(info) == site[info.filename.removeprefix(FOLDER)].read_bytes(), info.filename
            assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr >> 16 == 0o100644
            # Compressed files are stored; the rest deflated unless deflate would make them larger.
            if info.filename.endswith(".xz"):
                assert info.compress_type == zipfile.ZIP_STORED, info.filename
            elif info.compress_type == zipfile.ZIP_STORED:
                assert len(zlib.compress(zipped.read(info), 6)[2:-4]) >= info.file_size, info.filename
            else:
                assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size
    # What a page opened from disk needs is in it.
    assert f"{FOLDER}_kd/file/boot.js" in names and f"{FOLDER}index.html" in names


def test_every_chapter_links_the_zip_with_its_size_and_the_worker_never_caches_it(built_site):
    size = (built_site / OFFLINE_ZIP).stat().st_size
    chapters = sorted(built_site.glob("*.html"))
    linked = [p for p in chapters if OFFLINE_ZIP in p.read_text()]
    assert len(linked) >= 5 and (built_site / "glossary" / "knowledge-distillation.html").read_text().count(
        f'href="../{OFFLINE_ZIP}"') == 1
    for page in linked:
        text = page.read_text()
        assert SIZE_PLACEHOLDER not in text
        assert re.search(r"Download for offline use \(([^)]*)\)", text)[1] == size_text(size), page.name
    for page in built_site.rglob("*.html"):
        assert SIZE_PLACEHOLDER not in page.read_text(), page
    assert OFFLINE_ZIP not in json.loads((built_site / "_kd" / "offline.json").read_text())["files"]


def test_writing_it_again_gives_the_same_bytes(built_site, tmp_path):
    import shutil
    site = tmp_path / "_site"
    shutil.copytree(built_site, site)
    size = write_offline_zip(site)
    assert (site / OFFLINE_ZIP).read_bytes() == (built_site / OFFLINE_ZIP).read_bytes()
    assert size == (site / OFFLINE_ZIP).stat().st_size


@pytest.mark.parametrize(("n_bytes", "text"), [
    (22_975_740, "23 MB"), (10_000_000, "10 MB"), (4_249_999, "4.2 MB"), (999_499, "999 kB"), (12, "1 kB")])
def test_size_text(n_bytes, text):
    assert size_text(n_bytes) == text
