"""axe-core for the accessibility tests: fetched once with `npm pack`, pinned by sha256, cached."""

from __future__ import annotations

from pathlib import Path

from npm_asset import NpmAsset, ensure_npm_asset

AXE_VERSION = "4.10.3"
# sha256 of the npm registry's tarball of axe-core@AXE_VERSION (what `npm pack` saves).
AXE = NpmAsset("axe-core", AXE_VERSION, "0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292",
               "package/axe.min.js")


def ensure_axe(cache: Path | None = None) -> Path:
    """Return the path of the verified axe.min.js, fetching it into the cache if needed."""
    return ensure_npm_asset(AXE, cache)


def format_violations(url: str, violations: list[dict]) -> str:
    """Return axe's violations as readable text: rule, impact, help, and each offending node."""
    lines = [f"{url}: {len(violations)} accessibility violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl'].split('?')[0]})")
        for node in v["nodes"][:8]:
            lines.append(f"      at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"      … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)
