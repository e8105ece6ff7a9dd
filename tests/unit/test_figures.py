"""Build-time figures: valid, deterministic SVG with no inline CSS and no other host."""

import re
import xml.etree.ElementTree as ET

import pytest

from kdsite.figures import FIGURES, is_inline, render_figure
from kdsite.figures.svg import clean_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module", params=sorted(FIGURES))
def drawn(request):
    """Return (name, figure drawn twice)."""
    return request.param, render_figure(request.param), render_figure(request.param)


def test_figure_is_valid_svg_of_the_stated_size(drawn):
    name, figure, _ = drawn
    root = ET.fromstring(figure.svg.encode())
    assert root.tag == f"{SVG}svg"
    if is_inline(name):  # hand-drawn markup: its size is its view box's
        assert root.get("viewBox") == f"0 0 {figure.width} {figure.height}"
    else:
        assert (figure.width, figure.height) == (720, 432)
        assert root.get("viewBox") == "0 0 540 324"
    assert len(list(root.iter(f"{SVG}text"))) > 10  # text stays text (svg.fonttype none)


def test_figure_is_byte_for_byte_deterministic(drawn):
    _, first, second = drawn
    assert first.svg == second.svg


def test_figure_has_no_inline_css_script_or_other_host(drawn):
    _, figure, _ = drawn
    assert "style=" not in figure.svg and "<style" not in figure.svg
    assert "<script" not in figure.svg and "<!DOCTYPE" not in figure.svg and "<metadata" not in figure.svg
    assert not re.search(r'(?<!xmlns=")(?<!xmlns:xlink=")https?://', figure.svg)


def test_clean_svg_keeps_unknown_properties_as_style():
    svg = '<svg><path style="fill: #fff; stroke-width: 2"/><text style="font: 10px sans; fill: red"/></svg>'
    assert clean_svg(svg) == '<svg><path fill="#fff" stroke-width="2"/><text style="font: 10px sans; fill: red"/></svg>'


def test_roofline_arithmetic():
    from kdsite.figures import roofline as r

    assert r.ridge() == pytest.approx(156.25)
    assert r.TEACHER.intensity == pytest.approx(96.6, abs=0.1) and r.TEACHER.intensity < r.ridge()
    assert r.TEACHER.seconds == pytest.approx(240.150528e6 / 25.6e9)
    assert r.STUDENT.weight_bytes <= r.SRAM_BYTES < r.STUDENT_FP32.weight_bytes
    assert r.STUDENT.intensity > r.ridge() and r.STUDENT.seconds == pytest.approx(0.6e9 / 4e12)
