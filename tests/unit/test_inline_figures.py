"""Inline figures: the explorable size chart and the knowledge-flow diagram, as markup.

Each chart point's aria-label, data attributes and details box come from one list of points,
and every number in them is that point's data; the flow diagram is accessible, has the three
parts the loss cards light, and uses no inline style, id or other host.
"""

import re
import xml.etree.ElementTree as ET

from kdsite.core.compression import SizePoint, SizeSweep
from kdsite.core.lab import LabSettings
from kdsite.figures import FIGURES, figure_html, is_inline, knowledge_flow, render_figure
from kdsite.figures import accuracy_vs_size as chart
from kdsite.model import FigureRef

SVG = "{http://www.w3.org/2000/svg}"


def small_sweep() -> SizeSweep:
    """Return a made-up two-width sweep (no training): seeds 0, 1 and 2."""
    points = (
        SizePoint(2, 21, 0.78, 0.8, 0.8, 0.82, (0.75, 0.79, 0.8), (0.78, 0.8, 0.82)),
        SizePoint(8, 69, 0.867, 0.891, 0.9, 0.93, (0.85, 0.867, 0.884), (0.88, 0.891, 0.902)),
    )
    return SizeSweep(LabSettings(), (0, 1, 2), 1317, 0.915, points, (0.9, 0.915, 0.93))


def numbers(text: str) -> list[str]:
    """Return every number written in `text`, as written (1,317 → "1317")."""
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_every_point_is_drawn_once_focusable_and_labelled_with_its_data():
    result = small_sweep()
    points = chart.chart_points(result)
    assert [p.series for p in points] == ["scratch", "distilled", "scratch", "distilled", "teacher"]
    root = ET.fromstring(chart.svg(result))
    drawn = [g for g in root.iter(f"{SVG}g") if g.get("data-kd-point") is not None]
    assert len(drawn) == len(points)
    for g, p in zip(drawn, points):
        assert g.get("tabindex") == "0" and g.get("role") == "img"
        assert (g.get("data-series"), int(g.get("data-width")), int(g.get("data-parameters"))) == \
            (p.series, p.width, p.parameters)
        assert float(g.get("data-accuracy")) == p.accuracy
        assert (float(g.get("data-low")), float(g.get("data-high"))) == (p.low, p.high)
        label = g.get("aria-label")
        assert numbers(label) == [str(p.layers), str(p.width), str(p.parameters), f"{p.accuracy * 100:.1f}",
                                  str(p.seeds), f"{p.low * 100:.1f}", f"{p.high * 100:.1f}"]
        details = [t for t in g.iter(f"{SVG}text")]
        assert [t.get("data-kd-detail") for t in details] == ["model", "numbers", "spread"]
        assert numbers(" ".join(t.text for t in details)) == numbers(label)


def test_seed_spread_is_each_seeds_result():
    result = small_sweep()
    teacher = chart.chart_points(result)[-1]
    assert (teacher.low, teacher.high, teacher.seeds, teacher.width, teacher.layers) == (0.9, 0.93, 3, 32, 2)
    scratch = chart.chart_points(result)[0]
    assert (scratch.low, scratch.high) == (0.75, 0.8) and scratch.y_high < scratch.y < scratch.y_low


def test_flow_diagram_is_accessible_and_has_the_three_parts():
    markup = knowledge_flow.svg()
    root = ET.fromstring(markup)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text and "only" in root.find(f"{SVG}desc").text
    parts = [g.get("data-kd-flow") for g in root.iter(f"{SVG}g") if g.get("data-kd-flow")]
    assert parts == ["soft", "hard", "combined"]
    assert " id=" not in markup and "<marker" not in markup  # placed twice on a page, ids would clash


def test_inline_figures_have_no_style_colour_or_other_host():
    for markup in (knowledge_flow.svg(), chart.svg(small_sweep())):
        assert "style=" not in markup and "<style" not in markup and "<script" not in markup
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b", markup)  # colours come from kdsite.css
        assert not re.search(r'(?<!xmlns=")https?://', markup)


def test_an_inline_figure_is_placed_as_markup_with_its_alt_as_name():
    assert is_inline("knowledge-flow") and is_inline("accuracy-vs-size") and not is_inline("roofline")
    figure = FigureRef("knowledge-flow", 'A "flow" & more', "Cap <b>", "x.md", 1)
    figure.rendered = render_figure("knowledge-flow")
    html = figure_html(figure, "../")
    assert html.startswith('<figure class="kd-figure" data-kd-figure="knowledge-flow">\n<div class="kd-figure__inline">'
                           '<svg aria-label="A &quot;flow&quot; &amp; more" xmlns=')
    assert "<img" not in html and "<figcaption>Cap &lt;b&gt;</figcaption>" in html
    assert (figure.rendered.width, figure.rendered.height) == (knowledge_flow.WIDTH, knowledge_flow.HEIGHT)
    assert set(FIGURES) >= {"knowledge-flow", "accuracy-vs-size"}
