"""Build the browser's wheel: kdsite/__init__.py and kdsite/core only, byte-for-byte reproducible."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import kdsite
from kdsite.files import PACKAGE_DIR

# A fixed timestamp makes the same sources give the same wheel, so its sha256 (and the
# browser's cached copy) changes only when the code does.
EPOCH = (1980, 1, 1, 0, 0, 0)


def core_sources() -> list[Path]:
    """Return the files shipped to the browser, sorted."""
    files = [PACKAGE_DIR / "__init__.py", *(PACKAGE_DIR / "core").rglob("*.py")]
    return sorted(f for f in files if "__pycache__" not in f.parts)


def _record_hash(data: bytes) -> str:
    """Return a RECORD-style hash: urlsafe base64 of sha256, unpadded."""
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build_core_wheel(out_dir: Path) -> Path:
    """Write kdsite-<version>-py3-none-any.whl into out_dir and return its path."""
    version = kdsite.__version__
    dist_info = f"kdsite-{version}.dist-info"
    entries = [(f"kdsite/{f.relative_to(PACKAGE_DIR).as_posix()}", f.read_bytes()) for f in core_sources()]
    entries += [
        (f"{dist_info}/METADATA", (
            "Metadata-Version: 2.1\nName: kdsite\n"
            f"Version: {version}\nSummary: kdsite's numpy core for the browser\n"
            "Requires-Python: >=3.12\nRequires-Dist: numpy\n").encode()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: kdsite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{dist_info}/top_level.txt", b"kdsite\n"),
    ]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{dist_info}/RECORD", (record + f"{dist_info}/RECORD,,\n").encode()))

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"kdsite-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return path
