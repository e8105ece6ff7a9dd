"""Vendored third-party code is the published release, byte for byte (kdsite/static/vendor/).

Each vendored file wraps an npm release's file, unchanged, between two marker lines; the
sha256 below is that file's as the npm package publishes it (`npm pack <name>@<version>`).
"""

import hashlib
import re

import pytest

from kdsite.files import STATIC_DIR

VENDORED = {
    # file under kdsite/static/vendor/: (release named in its markers, sha256 of the published file)
    "xz-decompress.js": ("xz-decompress 0.2.3 dist/package/xz-decompress.min.js",
                         "d83649874b6198df07340a88377613ccd2267aebb9f18b3be26c6904a81bac52"),
}


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_a_vendored_file_holds_the_release_unchanged(name):
    release, sha256 = VENDORED[name]
    text = (STATIC_DIR / "vendor" / name).read_text(encoding="utf-8")
    match = re.search(r"^// ---- begin (.+) ----\n(.*)\n// ---- end [^\n]* ----$", text, re.S | re.M)
    assert match, f"{name}: the begin/end marker lines around the release are missing"
    assert match.group(1) == release
    assert hashlib.sha256(match.group(2).encode()).hexdigest() == sha256
    assert sha256 in text  # the header names the hash it was checked against


def test_every_vendored_file_is_listed():
    assert {p.name for p in (STATIC_DIR / "vendor").iterdir()} == set(VENDORED)
