"""The ```kd-… fences: finding them, the one loop the widget, figure and embed plugins share."""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.token import Token


def token_type(directive: str) -> str:
    """Return the token type a fence of `directive` becomes, e.g. "kd-widget" → "kd_widget"."""
    return directive.replace("-", "_")


def fences(state, directive: str) -> Iterator[tuple[Token, list[str], int]]:
    """Yield (token, the words after `directive`, the fence's 1-based file line) for each
    ```directive fence of a parse (a StateCore), making its token a `token_type(directive)`
    token so that the plugin's own render rule draws it."""
    for token in state.tokens:
        if token.type != "fence" or token.info.split()[:1] != [directive]:
            continue
        token.type = token_type(directive)
        yield token, token.info.split()[1:], token.map[0] + 1
