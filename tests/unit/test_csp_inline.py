"""allow_own_inline_code: a page's policy widened by exactly the hashes of its own inline code."""

from __future__ import annotations

import base64
import hashlib

from markupsafe import escape

from kdsite.csp import CONTENT_SECURITY_POLICY, allow_own_inline_code, policy, source_hash

META = f'<meta http-equiv="Content-Security-Policy" content="{escape(CONTENT_SECURITY_POLICY)}">'


def digest(text: str) -> str:
    """Return the CSP source for an inline element with this text, computed here independently."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_common_policy_is_the_policy_with_no_hashes():
    assert policy() == CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_only_inline_scripts_and_styles_are_hashed_each_once():
    page = (f"<head>{META}<style>p {{ }}</style><script src=x.js></script><script type=module>go()</script>"
            "<!-- <script>not code</script> --></head><body><style>p { }</style><script>go()</script>")
    widened = allow_own_inline_code(page)
    assert widened == page.replace(str(escape(CONTENT_SECURITY_POLICY)),
                                   str(escape(policy([digest("go()")], [digest("p { }")]))))
    assert "'unsafe-inline'" not in widened


def test_browsers_hash_the_text_with_line_breaks_made_lf():
    assert source_hash("a\r\nb\rc") == digest("a\nb\nc")


def test_a_page_with_no_inline_code_or_no_policy_is_unchanged():
    page = f"<head>{META}<script src=a.js></script></head>"
    assert allow_own_inline_code(page) == page
    assert allow_own_inline_code("<style>p{}</style>") == "<style>p{}</style>"
