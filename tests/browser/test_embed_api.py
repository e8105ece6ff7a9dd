"""Issue 17 item 4: a host page on another origin drives an embedded widget (kdsite.embeds[i].set)
and follows it ("change" events), the numbers it receives being Python's; a widget on its own page
does the same through the DOM; invalid messages are ignored with a console warning, never thrown."""

from __future__ import annotations

import functools
import html
import json
import re
import threading
from http.server import ThreadingHTTPServer

import pytest

from kdsite.core.states import compute_state
from kdsite.markdown.embed_fence import PLACEHOLDER_URL
from kdsite.serve import SiteHandler, make_server

FRAME_URL_PART = "/embed/index/distillation-viz-1.html"


class WithoutCors(SiteHandler):
    """The preview server's handler, less its Access-Control-Allow-Origin: as many hosts serve."""

    def send_header(self, keyword, value):
        if keyword.lower() != "access-control-allow-origin":
            super().send_header(keyword, value)


def _serve(handler) -> tuple[ThreadingHTTPServer, int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.fixture
def host(tmp_path, built_site):
    """Serve the site (no CORS headers) and, from another origin (port), a host page that embeds
    distillation-viz-1 with the Embedding page's snippet; return (host URL, site URL)."""
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "kdsite").symlink_to(built_site, target_is_directory=True)
    site, site_port = _serve(functools.partial(WithoutCors, directory=str(tmp_path / "served")))
    site_url = f"http://127.0.0.1:{site_port}/kdsite/"
    found = re.search(r'<pre class="kd-snippet"><code[^>]*>(.*?)</code></pre>',
                      (built_site / "embedding.html").read_text(encoding="utf-8"), re.S)
    frame, script = html.unescape(found.group(1)).replace(PLACEHOLDER_URL, site_url).split("\n")
    assert FRAME_URL_PART in frame
    (tmp_path / "host").mkdir()
    # A second, unrelated frame of yet another origin: its messages to the widget must not count.
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.html").write_text("<!doctype html><title>Other</title>")
    elsewhere = make_server(tmp_path / "elsewhere", port=0)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    host_server = make_server(tmp_path / "host", port=0)
    threading.Thread(target=host_server.serve_forever, daemon=True).start()
    host_port = host_server.server_address[1]
    (tmp_path / "host" / "host.html").write_text(f"""<!doctype html><html><head><title>Host</title>
<link rel="icon" href="data:,"></head><body>
{frame.replace("<iframe ", '<iframe id="good" ')}
<iframe id="other" src="http://127.0.0.1:{elsewhere.server_address[1]}/other.html"></iframe>
{script}
</body></html>""")
    yield f"http://127.0.0.1:{host_port}/host.html", site_url
    host_server.shutdown()
    elsewhere.shutdown()
    site.shutdown()


def _config(built_site) -> dict:
    text = (built_site / "embed/index/distillation-viz-1.html").read_text(encoding="utf-8")
    return json.loads(html.unescape(re.search(r'data-kd-config="([^"]*)"', text).group(1)))


def _expected(built_site, controls) -> dict[str, str]:
    """Return every readout and control readout of the widget's state, computed in CPython."""
    state = compute_state("distillation-viz", _config(built_site), controls)
    return {key: entry["value"] for part in ("readouts", "controls") for key, entry in state[part].items()}


LISTEN = """(temperature) => {
  window.__kdChange = null;
  const embed = window.kdsite.embeds[0];
  embed.addEventListener("change", function listen(event) {
    if (event.detail.controls.temperature === temperature) {
      embed.removeEventListener("change", listen);
      window.__kdChange = event.detail;
    }
  });
}"""


def _change_after(page, temperature: str, action: str) -> dict:
    """Run `action` in the host page and return the first change reporting this temperature."""
    page.evaluate(LISTEN, temperature)
    page.evaluate(action)
    return page.wait_for_function("() => window.__kdChange", timeout=60_000).json_value()


def test_a_host_on_another_origin_drives_the_widget_and_gets_pythons_numbers(page, host, built_site):
    host_url, site_url = host
    page.goto(host_url)
    frame = page.frame_locator("#good")
    frame.locator("[data-kd-widget]").locator("xpath=self::*[@data-kd-state='ready']").wait_for(timeout=90_000)
    assert page.evaluate("() => window.kdsite.embeds.length") == 1  # the unrelated frame is no embed
    assert page.evaluate("() => window.kdsite.embeds[0].frame.id") == "good"

    expected = _expected(built_site, {"temperature_position": 4})
    detail = _change_after(page, expected["temperature"], "() => window.kdsite.embeds[0].set('temperature', 4)")
    assert detail["widget"] == "distillation-viz" and detail["id"] == "distillation-viz-1"
    assert {key: detail["readouts"][key] for key in expected} == expected
    assert detail["controls"] == {"temperature": expected["temperature"]}
    assert frame.locator('input[data-kd-control="temperature"]').input_value() == "4"

    # The reader moving the slider inside the frame reaches the host too, on the iframe element.
    expected = _expected(built_site, {"temperature_position": 2})
    page.evaluate("""(t) => document.addEventListener("kdsite:change",
        (e) => { if (e.detail.controls.temperature === t) window.__kdFrameEvent = e.detail; })""",
                  expected["temperature"])
    frame.locator('input[data-kd-control="temperature"]').evaluate(
        "(el) => { el.value = '2'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    detail = page.wait_for_function("() => window.__kdFrameEvent", timeout=60_000).json_value()
    assert {key: detail["readouts"][key] for key in expected} == expected
    assert page.evaluate("() => window.kdsite.embeds[0].readouts.kl") == detail["readouts"]["kl"]


INVALID = [
    ("an unknown control", "{type: 'kdsite:set', control: 'nope', value: 1}", "no control"),
    ("a value out of range", "{type: 'kdsite:set', control: 'temperature', value: 9000}", "out of range"),
    ("a value below range", "{type: 'kdsite:set', control: 'temperature', value: 0.1}", "out of range"),
    ("a string for a slider", "{type: 'kdsite:set', control: 'temperature', value: '4'}", "finite number"),
    ("no value", "{type: 'kdsite:set', control: 'temperature'}", "number or a string"),
    ("NaN", "{type: 'kdsite:set', control: 'temperature', value: NaN}", "finite number"),
    ("an object control", "{type: 'kdsite:set', control: {}, value: 4}", "control's name"),
]


def _warned(count: int):
    return lambda m: m.type == "warning" and f"ignored {count} invalid message" in m.text


def test_invalid_messages_are_ignored_with_a_counted_warning(page, host, built_site):
    host_url, _ = host
    page.goto(host_url)
    frame = page.frame_locator("#good")
    frame.locator("[data-kd-widget]").locator("xpath=self::*[@data-kd-state='ready']").wait_for(timeout=90_000)
    kl = frame.locator('[data-kd-readout="kl"]').get_attribute("data-value")
    for count, (what, message, reason) in enumerate(INVALID, start=1):
        with page.expect_console_message(_warned(count), timeout=30_000) as warning:
            page.evaluate(f"() => document.getElementById('good').contentWindow.postMessage({message}, '*')")
        assert reason in warning.value.text, (what, warning.value.text)

    # From another origin: a sibling frame posting to the widget's frame (it is not its parent).
    other = next(f for f in page.frames if f.url.endswith("/other.html"))
    with page.expect_console_message(_warned(len(INVALID) + 1), timeout=30_000) as warning:
        other.evaluate("() => parent.frames[0].postMessage("
                       "{type: 'kdsite:set', control: 'temperature', value: 4}, '*')")
    assert "not the page embedding" in warning.value.text

    # Nothing moved, a valid set afterwards still works, and nothing was thrown (the page fixture
    # fails the test on any uncaught error).
    assert frame.locator('[data-kd-readout="kl"]').get_attribute("data-value") == kl
    expected = _expected(built_site, {"temperature_position": 3})
    detail = _change_after(page, expected["temperature"], "() => window.kdsite.embeds[0].set('temperature', 3)")
    assert {key: detail["readouts"][key] for key in expected} == expected


def test_a_widget_on_its_own_page_is_driven_through_the_dom(page, site_url, built_site):
    page.goto(site_url + "index.html")
    widget = page.locator("#distillation-viz-1")
    widget.locator("xpath=self::*[@data-kd-state='ready']").wait_for(timeout=90_000)
    expected = _expected(built_site, {"temperature_position": 5})
    widget.evaluate("""(root, t) => {
        root.addEventListener("kdsite:change", (e) => {
            if (e.detail.controls.temperature === t) window.__kdChange = e.detail;
        });
        const input = root.querySelector('[data-kd-control="temperature"]');
        input.value = "5";
        input.dispatchEvent(new Event("input", {bubbles: true}));
    }""", expected["temperature"])
    detail = page.wait_for_function("() => window.__kdChange", timeout=60_000).json_value()
    assert {key: detail["readouts"][key] for key in expected} == expected


def test_the_embedding_page_demo_keeps_a_host_control_in_step(page, site_url, built_site):
    page.goto(site_url + "embedding.html")
    box = page.locator("[data-kd-embed-demo-control]")
    box.scroll_into_view_if_needed()
    frame = page.frame_locator("figure.kd-embed-example iframe").first
    frame.locator("[data-kd-widget]").locator("xpath=self::*[@data-kd-state='ready']").wait_for(timeout=90_000)
    expected = _expected(built_site, {"temperature_position": 4})
    box.fill("4")
    box.press("Enter")
    text = page.locator("[data-kd-embed-demo-text]")
    text.filter(has_text=f"T = {expected['temperature']} and KL = {expected['kl']} nats").wait_for(timeout=60_000)
    # The reader moves the widget's slider: the host page's box and text follow.
    box.blur()
    expected = _expected(built_site, {"temperature_position": 2})
    frame.locator('input[data-kd-control="temperature"]').evaluate(
        "(el) => { el.value = '2'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    text.filter(has_text=f"KL = {expected['kl']} nats").wait_for(timeout=60_000)
    assert box.input_value() == expected["temperature"]
