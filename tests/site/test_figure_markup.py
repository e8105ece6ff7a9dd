"""The built pages place the inline figures: the size chart's points are the figure's data,
the flow diagram is on the loss page, and only pages with points load the points script."""

import html
import re

import pytest

from kdsite.figures import accuracy_vs_size


@pytest.fixture(scope="module")
def compression(built_site) -> str:
    return (built_site / "compression.html").read_text(encoding="utf-8")


def test_every_point_of_the_sweep_is_a_labelled_point_on_the_page(compression):
    sweep = accuracy_vs_size.sweep()
    points = accuracy_vs_size.chart_points(sweep)
    tags = re.findall(r'<g [^>]*data-kd-point=""[^>]*>', compression)
    assert len(tags) == len(points) == 2 * len(sweep.points) + 1
    for tag, point in zip(tags, points):
        assert f'aria-label="{html.escape(point.label)}"' in tag
        assert f'data-parameters="{point.parameters}"' in tag and 'tabindex="0"' in tag
    assert '<img src="_kd/figures/accuracy-vs-size.svg"' not in compression


def test_pages_load_the_points_script_only_where_points_are(built_site, compression):
    tag = '<script src="_kd/static/figure-points.js" defer></script>'
    assert compression.count(tag) == 1
    assert "figure-points.js" not in (built_site / "loss.html").read_text(encoding="utf-8")
    assert (built_site / "_kd" / "static" / "figure-points.js").exists()


def test_the_loss_page_has_the_flow_diagram_and_cards_to_light_it(built_site):
    page = (built_site / "loss.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="kd-figure" data-kd-figure="knowledge-flow">.*?</figure>', page, re.S).group(0)
    assert '<svg aria-label="Flow diagram of one distillation step' in figure and 'role="img"' in figure
    assert "<title>" in figure and "<desc>" in figure and " style=" not in figure
    assert [m for m in re.findall(r'data-kd-flow="(\w+)"', figure)] == ["soft", "hard", "combined"]
    assert re.findall(r'data-kd-term="(\w+)" tabindex="0"', page) == ["soft", "hard", "total"]
