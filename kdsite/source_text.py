"""Reading the files authors write (pages, kdsite.toml): any byte-order mark, any line ending."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from kdsite.errors import Problem

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
