"""Watching a page for Content-Security-Policy violations, in every frame and on the console."""

from __future__ import annotations

# Registered before any page script runs, in every frame: each violation the browser reports.
LISTEN = """
window.__kdViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__kdViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def watch(page) -> list[str]:
    """Listen for violations in every frame and for CSP errors on the console; return the console list."""
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def violations(page) -> list[str]:
    """Return the violations every frame of the page recorded."""
    return [v for frame in page.frames for v in frame.evaluate("() => window.__kdViolations || []")]
