"""The network profiles and compression modes the bench serves under. Data: add a profile here.

A profile is the last mile between a reader and the host, emulated by bench/server.py for every
connection the browser opens (page, Web Worker and service worker alike):
  down_mbps       download bandwidth in Mbit/s, shared by all connections (None: no limit);
  rtt_ms          round-trip time: every response starts this long after its request;
  handshake_rtts  round trips a new connection costs before its first request can be sent
                  (TCP, plus TLS 1.3 for an https host such as GitHub Pages).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    """One emulated link; see the module's docstring for the fields."""

    name: str
    down_mbps: float | None
    rtt_ms: float
    handshake_rtts: int
    about: str

    @property
    def throttled(self) -> bool:
        return self.down_mbps is not None or self.rtt_ms > 0

    def sped_up(self, factor: float) -> Profile:
        """Return this link `factor` times faster (bandwidth times, delays divided): same code path, shorter runs."""
        if factor == 1 or not self.throttled:
            return self
        return replace(self, down_mbps=None if self.down_mbps is None else self.down_mbps * factor,
                       rtt_ms=self.rtt_ms / factor, about=f"{self.about}, sped up {factor:g}x")

    def as_dict(self) -> dict:
        return {"down_mbps": self.down_mbps, "rtt_ms": self.rtt_ms, "handshake_rtts": self.handshake_rtts,
                "about": self.about}


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("local", None, 0, 0, "loopback, no throttling"),
    Profile("mobile", 9.0, 150, 2, "9 Mbit/s down, 150 ms RTT, TCP + TLS handshake per connection"),
)}

# How the server encodes what it sends (bench/server.py implements both).
COMPRESSIONS: dict[str, str] = {
    "gh-pages": "gzip for HTML, JS, CSS, JSON, SVG and wasm, as GitHub Pages does; wheels and zips as they are",
    "none": "every file as it is",
}
