"""Host pages on another origin for the engine tests: a page on its own port that embeds one of
the site's widgets with embed.js as a plain script, as a glossary site would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kdsite.serve import make_server


@contextmanager
def host_page(folder: Path, site_url: str, embed: str, frame_id: str, title: str) -> Iterator[str]:
    """Serve `folder`/host.html, embedding `site_url` + `embed` in an iframe #`frame_id`; yield its URL."""
    (folder / "host.html").write_text(f"""<!doctype html><html><head><title>Host</title>
<link rel="icon" href="data:,"></head><body>
<iframe id="{frame_id}" data-kdsite-embed src="{site_url}{embed}" title="{title}"
        width="100%" height="150" sandbox="allow-scripts allow-same-origin"></iframe>
<script src="{site_url}_kd/static/embed.js"></script>
</body></html>""")
    server = make_server(folder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/host.html"
    finally:
        server.shutdown()
        server.server_close()
