"""The raw_html setting: off by default (HTML in Markdown shows as text), on only when asked."""

from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config
from kdsite.errors import ConfigError

PROJECT = Path(__file__).resolve().parents[2]
PAGE = "---\ntitle: Start\ndescription: A page.\n---\n\nA <kbd>Ctrl</kbd> key.\n\n<aside>Note.</aside>\n"


def built_page(tmp_path: Path, settings: str | None) -> str:
    """Build a one-page project with these kdsite.toml settings; return the page's HTML."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text(PAGE)
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    if settings is not None:
        (tmp_path / "kdsite.toml").write_text(settings)
    return (build(load_config(tmp_path)).output / "index.html").read_text()


@pytest.mark.parametrize("settings", [None, "raw_html = false\n"])
def test_raw_html_is_off_by_default_and_shown_as_text(tmp_path, settings):
    html = built_page(tmp_path, settings)
    assert "<p>A &lt;kbd&gt;Ctrl&lt;/kbd&gt; key.</p>" in html and "&lt;aside&gt;" in html
    assert "<kbd>" not in html and "<aside>" not in html


def test_raw_html_true_passes_html_through(tmp_path):
    html = built_page(tmp_path, "raw_html = true\n")
    assert "<p>A <kbd>Ctrl</kbd> key.</p>" in html and "<aside>Note.</aside>" in html


@pytest.mark.parametrize("settings, message", [
    ('raw_html = "yes"\n',
     "setting 'raw_html' should be true or false, not 'yes' — write raw_html = true or raw_html = false"),
    ("title = true\n", "setting 'title' should be a string, not True — write title = \"…\""),
])
def test_a_setting_of_the_wrong_type_is_a_located_error(tmp_path, settings, message):
    with pytest.raises(ConfigError) as caught:
        built_page(tmp_path, settings)
    assert str(caught.value.problems[0]).endswith(f"kdsite.toml: {message}")
