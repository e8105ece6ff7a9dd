"""Issue 13, items 4 and 9, in a real Chromium: sliders over tiny and huge ranges start at the
configured value, move on every arrow key and show what CPython computes for the position;
long class names keep their bars; a 1,000-class chart draws 20 rows, live too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe import ensure_axe, format_violations

from kdsite.build import build
from kdsite.config import load_config
from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_MS = 120_000
LONG = ("a class whose name goes on and on " * 4).strip()
MANY = 1000


def many_classes() -> tuple[list[float], list[float]]:
    """Return a teacher and a student over MANY classes (plain floats, deterministic)."""
    teacher = [1.0 / (1 + i) for i in range(MANY)]
    student = [1.0 / (1 + (i * 7) % MANY) for i in range(MANY)]
    return teacher, student


def page_text() -> str:
    teacher, student = many_classes()
    labels = [LONG if i == 0 else f"c{i}" for i in range(MANY)]
    return f"""---
title: Sliders
description: Sliders over tiny and huge ranges.
order: 0
---

# Sliders

```kd-widget distillation-viz
id: tiny
teacher: [0.7, 0.2, 0.1]
student: [0.5, 0.3, 0.2]
temperature: 0.0005
temp_range: [0.0001, 0.001]
```

```kd-widget distillation-viz
id: huge
teacher: [0.7, 0.2, 0.1]
student: [0.5, 0.3, 0.2]
temperature: 1
temp_range: [0.001, 1000]
```

```kd-widget distillation-viz
id: offgrid
teacher: [0.7, 0.2, 0.1]
student: [0.5, 0.3, 0.2]
labels: [cat, "{LONG}", fox]
temperature: 1.03
```

```kd-widget temperature-explorer
id: te
logits: [3, 1, -0.5]
temperature: 1.03
```

```kd-widget loss-explorer
id: le
teacher_logits: [5, 2, 1]
student_logits: [3, 2, 1]
label: 0
temperature: 3.3
alpha: 0.37
```

```kd-widget distillation-viz
id: many
teacher: {json.dumps(teacher)}
student: {json.dumps(student)}
labels: {json.dumps(labels)}
```
"""


# Every slider on the page: (widget id, control, configured value).
SLIDERS = [("tiny", "temperature", 0.0005), ("huge", "temperature", 1.0), ("offgrid", "temperature", 1.03),
           ("te", "temperature", 1.03), ("le", "temperature", 3.3), ("le", "alpha", 0.37),
           ("many", "temperature", 1.0)]


@pytest.fixture(scope="module")
def slider_site(tmp_path_factory, serve_site):
    folder = tmp_path_factory.mktemp("sliders")
    (folder / "content").mkdir()
    (folder / "content" / "index.md").write_text(page_text())
    (folder / "templates").symlink_to(PROJECT / "templates")
    build(load_config(folder, output=folder / "_site"))
    server, url = serve_site(folder / "_site", "/kd-sliders/")
    yield url
    server.shutdown()


def open_live(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
        timeout=READY_TIMEOUT_MS)


def slider(page, wid: str, control: str):
    return page.locator(f'#{wid} input[type=range][data-kd-control="{control}"]')


def expected(page, wid: str) -> dict:
    """Return the state CPython computes for the widget's config at its sliders' positions now."""
    root = page.locator(f"#{wid}")
    controls = {f"{el.get_attribute('data-kd-control')}_position": float(el.input_value())
                for el in root.locator("input[type=range]").all()}
    return compute_state(root.get_attribute("data-kd-widget"), json.loads(root.get_attribute("data-kd-config")),
                         controls)


def wait_shows(page, wid: str, state: dict) -> None:
    """Wait until the widget shows `state`: its aria-label (render sets it last) and the full-precision
    data-value of each of its readouts. The label alone is not enough: on a log slider two
    neighbouring positions can read the same to three digits, and then the label of the previous
    answer already matches while the new one is still on its way (a busy machine showed it)."""
    values = [[key, float(entry["value"])] for key, entry in {**state["controls"], **state["readouts"]}.items()
              if isinstance(entry, dict) and "value" in entry]
    page.wait_for_function(
        """([id, label, values]) => {
          const root = document.getElementById(id);
          if (root.getAttribute('aria-label') !== label) return false;
          return values.every(([key, value]) => {
            const el = root.querySelector(`[data-kd-readout="${key}"]`);
            return !el || Math.abs(Number(el.dataset.value) - value) <= 1e-12 * Math.abs(value);
          });
        }""",
        arg=[wid, state["aria_label"], values], timeout=60_000)


def readout(page, wid: str, key: str) -> tuple[str, float]:
    el = page.locator(f'#{wid} [data-kd-readout="{key}"]').first
    return el.inner_text(), float(el.get_attribute("data-value"))


def assert_readout(page, wid: str, key: str, state: dict) -> str:
    entry = state["readouts"].get(key) or state["controls"][key]
    text, value = readout(page, wid, key)
    assert text == entry["text"]
    assert value == pytest.approx(float(entry["value"]), rel=1e-12)
    return text


def test_prerendered_sliders_start_at_the_configured_value(browser, slider_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(slider_site)
    for wid, control, value in SLIDERS:
        state = expected(page, wid)  # from the input's value as the browser keeps it
        assert float(state["controls"][control]["value"]) == value, (wid, control)
        valuetext = slider(page, wid, control).get_attribute("aria-valuetext")
        assert valuetext.endswith(f"= {state['controls'][control]['text']}")
    assert readout(page, "tiny", "temperature")[0] == "0.00050"
    assert readout(page, "huge", "temperature")[0] == "1.00"
    assert readout(page, "offgrid", "temperature")[0] == "1.03"
    context.close()


@pytest.mark.parametrize("wid,first,low,high", [("tiny", "0.00051", "0.00010", "0.00100"),
                                                ("huge", None, "0.00100", "1000")])
def test_arrow_keys_move_tiny_and_huge_sliders(page, slider_site, wid, first, low, high):
    open_live(page, slider_site)
    control = slider(page, wid, "temperature")
    control.focus()
    start = readout(page, wid, "temperature")
    # Each arrow press moves T; the readout is CPython's for the new position, and it changes
    # at once on a linear slider, within a dozen presses on a log one (three digits shown).
    seen = [start[0]]
    for _ in range(12):
        page.keyboard.press("ArrowRight")
        state = expected(page, wid)
        wait_shows(page, wid, state)
        text = assert_readout(page, wid, "temperature", state)
        assert readout(page, wid, "temperature")[1] > start[1]
        assert_readout(page, wid, "kl", state)
        seen.append(text)
        if text != start[0]:
            break
    assert seen[-1] != start[0]
    if first:
        assert seen[1] == first
    for _ in range(len(seen) + 1):
        page.keyboard.press("ArrowLeft")
    state = expected(page, wid)
    wait_shows(page, wid, state)
    assert readout(page, wid, "temperature")[1] < start[1]
    for key, text in (("End", high), ("Home", low)):
        page.keyboard.press(key)
        state = expected(page, wid)
        wait_shows(page, wid, state)
        assert assert_readout(page, wid, "temperature", state) == text


def test_every_slider_sends_its_position_and_shows_cpythons_state(page, slider_site):
    open_live(page, slider_site)
    for wid, control, value in SLIDERS:
        el = slider(page, wid, control)
        el.focus()
        page.keyboard.press("PageUp")
        state = expected(page, wid)
        wait_shows(page, wid, state)
        assert float(state["controls"][control]["value"]) > value
        assert el.get_attribute("aria-valuetext").endswith(f"= {state['controls'][control]['text']}")


def test_long_names_keep_their_bars_and_many_classes_draw_twenty_rows(page, slider_site):
    page.set_viewport_size({"width": 360, "height": 740})
    open_live(page, slider_site)
    for wid in ("offgrid", "many"):
        name = page.locator(f"#{wid} .kd-dv__name", has_text=LONG)
        assert name.get_attribute("title") == LONG
        row = page.locator(f"#{wid} .kd-dv__row", has=name)
        for track in row.locator("svg").all():
            assert track.bounding_box()["width"] >= 28, wid  # 2rem at least, on a phone
        assert name.bounding_box()["height"] < 3 * 16 * 1.3  # two lines, clamped
    many = page.locator("#many")
    assert many.locator(".kd-dv__row").count() == 20
    assert many.locator(".kd-dv__row[data-kd-other]").get_attribute("data-kd-other") == str(MANY - 19)
    assert "most likely of 1,000 classes" in many.locator(".kd-dv__note").inner_text()
    assert many.bounding_box()["height"] < 1500
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    # Live: the other row follows T, as CPython computes it.
    el = slider(page, "many", "temperature")
    el.focus()
    page.keyboard.press("End")
    state = expected(page, "many")
    wait_shows(page, "many", state)
    for side in ("teacher", "student"):
        rect = many.locator(f'.kd-dv__row[data-kd-other] rect[data-kd-bar="{side}"]')
        assert float(rect.get_attribute("data-value")) == pytest.approx(float(state["other"][side]), rel=1e-9)
    for bar in state["bars"]:
        rect = many.locator(f'rect[data-kd-bar="teacher"][data-index="{bar["index"]}"]')
        assert float(rect.get_attribute("data-value")) == pytest.approx(float(bar["teacher"]), rel=1e-9)


def test_axe_finds_nothing_with_long_names_log_sliders_and_an_other_row(page, slider_site):
    page.add_init_script(path=str(ensure_axe()))
    open_live(page, slider_site)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert not result["violations"], format_violations("sliders page", result["violations"])
