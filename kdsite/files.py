"""File helpers shared by the build: kdsite's folders, the cache's, and reading, hashing and writing files.

Reading the files authors write (pages, kdsite.toml) accepts any byte-order mark and any
line ending; writing a file kdsite keeps is atomic.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from kdsite.errors import Problem

# kdsite's own package folder, and its ES modules and CSS, copied into every site.
PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"

# Each mark and the codec of what follows it; longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What editors, Markdown and YAML all count as one line break.
_LINE_BREAK = re.compile(r"\r\n?|\n")
SAVE_AS_UTF8 = "save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)"


def read_source(path: Path, shown: Path | str) -> tuple[str, Problem | None]:
    """Return a source file's text with every line break as "\\n" and no byte-order mark.

    UTF-8 is expected; a UTF-8, UTF-16 or UTF-32 byte-order mark says how to decode, and
    CRLF or lone CR line breaks read as LF, so such a file builds exactly like its plain
    UTF-8, LF twin. Text that cannot be decoded, or holds NUL characters (UTF-16 saved
    without a mark), gives ("", a Problem at `shown` and the offending line).
    """
    data = path.read_bytes()
    bom, encoding = next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), (b"", "utf-8"))
    body = data[len(bom):]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        # Everything before the bad byte decoded, so its line breaks say the line.
        line = _count_lines(body[:error.start].decode(encoding))
        name = encoding.removesuffix("-le").removesuffix("-be").upper()
        return "", Problem(f"not {name} text ({error.reason} at byte {len(bom) + error.start})",
                           SAVE_AS_UTF8, shown, line)
    # A second mark right after the first (some tools add one twice) would hide the front matter too.
    text = _LINE_BREAK.sub("\n", text.removeprefix("\ufeff"))
    if "\0" in text:
        return "", Problem("the file holds NUL characters, so it is not UTF-8 text "
                           "(it may be UTF-16 saved without a byte-order mark)",
                           SAVE_AS_UTF8, shown, _count_lines(text[:text.index("\0")]))
    return text, None


def _count_lines(text: str) -> int:
    """Return the 1-based line on which `text` ends, counting CRLF, CR and LF as one break each."""
    return len(_LINE_BREAK.findall(text)) + 1


def display_path(path: Path) -> Path:
    """Return path relative to the working directory when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def cache_root() -> Path:
    """Return the kdsite cache folder, honouring KDSITE_CACHE_DIR and XDG_CACHE_HOME."""
    if os.environ.get("KDSITE_CACHE_DIR"):
        return Path(os.environ["KDSITE_CACHE_DIR"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "kdsite"


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def atomic_write(dst: Path, content: bytes | Path) -> None:
    """Write `content` (bytes, or a copy of the file at that path) to dst, mode 0644, through a
    temp file beside it renamed into place: readers never see half a file. Raises OSError."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}-", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(content, Path):
                with open(content, "rb") as f:
                    shutil.copyfileobj(f, out)
            else:
                out.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    finally:
        Path(tmp).unlink(missing_ok=True)
