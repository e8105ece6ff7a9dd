"""A host page hears an embedded widget's numbers before Python is live: asked for its size when
it loads, the frame (embed-frame.js) also posts the state the page shows, the build's pre-rendered
one, read from the DOM contract as the widget's own kdsite:change events read it."""

from __future__ import annotations

import pytest
from routes import serve_worker
from test_embed_api import _config, host  # noqa: F401  (host is a fixture)

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

HELD = "// Held by the test: Python never starts, so the widget never goes live.\n"


def test_a_host_hears_the_prerendered_state_while_python_is_not_live(page, host, built_site):  # noqa: F811
    host_url, _ = host
    loads = serve_worker(page, lambda n, source: HELD)
    page.goto(host_url)
    detail = page.wait_for_function("() => window.kdsite && kdsite.embeds.length === 1 && kdsite.embeds[0].readouts"
                                    " && {controls: kdsite.embeds[0].controls, readouts: kdsite.embeds[0].readouts}",
                                    timeout=60_000).json_value()
    frame = next(f for f in page.frames if "/embed/index/distillation-viz-1.html" in f.url)
    assert loads, "the frame started no worker: the test held nothing"
    assert frame.evaluate("() => document.querySelector('[data-kd-widget]').dataset.kdState") != "ready"
    state = compute_state("distillation-viz", _config(built_site), {})
    python = {key: entry["value"] for part in ("readouts", "controls") for key, entry in state[part].items()}
    # Every readout of the state, and the slider's readout of its temperature, at full precision.
    assert detail["readouts"] == {key: python[key] for key in [*state["readouts"], "temperature"]}
    assert detail["controls"] == {"temperature": python["temperature"]}
    # The same reading of the DOM as the widget's own events (snapshot() of widgets/common.js).
    own = frame.evaluate("""async () => {
        const common = await import(new URL("../../_kd/static/widgets/common.js", location.href));
        const {controls, readouts} = common.snapshot(document.querySelector("[data-kd-widget]"));
        return {controls, readouts};
    }""")
    assert own == detail
