"""Links between pages, images beside them: rewritten, checked across pages, copied into the site."""

from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config
from kdsite.content import gather_pages
from kdsite.errors import BuildErrors
from kdsite.link_check import check_links

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def page(title: str, body: str = "", order: int = 0) -> str:
    """Return a content page with the front matter a strict build wants."""
    return f"---\ntitle: {title}\ndescription: About {title}.\norder: {order}\n---\n\n# {title}\n\n{body}\n"


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Return a project holding these content files and the real templates."""
    for name, data in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    (tmp_path / "templates").symlink_to(TEMPLATES)
    return tmp_path


def problems_of(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    """Return every problem the parse and the link check find, as `file:line: …` without the folder."""
    content = project(tmp_path, files) / "content"
    problems = []
    pages = gather_pages(content, problems)
    check_links(pages, content, problems)
    return [str(p).split("content/", 1)[-1] for p in problems]


WIDGET = "```kd-widget distillation-viz\nid: kl-demo\nteacher: [0.7, 0.3]\nstudent: [0.5, 0.5]\n```"


def test_links_to_pages_headings_and_widgets_pass_and_md_becomes_html(tmp_path):
    files = {
        "index.md": page("Start", "[Loss](loss.md#the-alpha-knob), [demo](loss.md#kl-demo), "
                                  "[term](glossary/kd.md), [glossary](glossary/), [file](notes/data.csv)"),
        "loss.md": page("Loss", f"## The alpha knob\n\n{WIDGET}", order=1),
        "glossary/index.md": page("Glossary"),
        "glossary/kd.md": page("KD", "[back](../index.md#main) [here](#kd) [there](../loss.html#the-alpha-knob)"),
        "notes/data.csv": "a,b\n",
    }
    assert problems_of(tmp_path, files) == [
        "glossary/kd.md:9: link to #kd: nothing on this page has that id — link to a ## or ### heading "
        "(its id is its text in lower case, spaces as -) or a widget's id"]
    files["glossary/kd.md"] = page("KD", "[back](../index.md#main) [there](../loss.html#the-alpha-knob)")
    site = tmp_path / "b" / "_site"
    project(tmp_path / "b", files)
    build(load_config(tmp_path / "b", strict=True))
    index = (site / "index.html").read_text()
    assert ('<a href="loss.html#the-alpha-knob">Loss</a>, <a href="loss.html#kl-demo">demo</a>, '
            '<a href="glossary/kd.html">term</a>, <a href="glossary/">glossary</a>, '
            '<a href="notes/data.csv">file</a>') in index
    assert '<a href="../index.html#main">back</a>' in (site / "glossary" / "kd.html").read_text()
    assert (site / "notes" / "data.csv").read_text() == "a,b\n"


def test_a_mistyped_link_gets_the_nearest_name_relative_to_the_page(tmp_path):
    assert problems_of(tmp_path, {
        "index.md": page("Start", "[t](tempreature.md) and [a](loss.md#alpah)"),
        "loss.md": page("Loss", "## Alpha", order=1),
        "temperature.md": page("Temperature", order=2),
        "glossary/kd.md": page("KD", "[l](../los.md)"),
    }) == [
        "glossary/kd.md:9: link to a page that does not exist: ../los.md — did you mean ../loss.md?",
        "index.md:9: link to a page that does not exist: tempreature.md — did you mean temperature.md?",
        "index.md:9: link to #alpah: nothing on loss.md has that id — did you mean #alpha?",
    ]


def test_images_beside_the_pages_are_copied_and_keep_their_relative_paths(tmp_path):
    project(tmp_path, {
        "index.md": page("Start", "![One pixel](img/pixel.png)"),
        "glossary/kd.md": page("KD", "![The same pixel](../img/pixel.png) ![Its twin](twin.png)"),
        "glossary/twin.png": PIXEL,
        "img/pixel.png": PIXEL,
        "img/.draft.png": PIXEL,
        ".notes/secret.txt": "not for readers",
    })
    site = build(load_config(tmp_path, strict=True)).output
    assert '<img src="img/pixel.png" alt="One pixel" />' in (site / "index.html").read_text()
    term = (site / "glossary" / "kd.html").read_text()
    assert '<img src="../img/pixel.png" alt="The same pixel" />' in term and 'src="twin.png"' in term
    assert (site / "img" / "pixel.png").read_bytes() == PIXEL == (site / "glossary" / "twin.png").read_bytes()
    # Hidden files are left out.
    assert not (site / "img" / ".draft.png").exists() and not (site / ".notes").exists()
    # The offline copy includes them, so an image still shows without a network.
    assert "img/pixel.png" in (site / "_kd" / "offline.json").read_text()


def test_content_files_the_build_would_overwrite_are_errors(tmp_path):
    project(tmp_path, {"index.md": page("Start"), "glossary.json": "{}", "_kd/static/kdsite.css": "",
                       "index.html": "<p>hand-made</p>"})
    with pytest.raises(BuildErrors) as caught:
        build(load_config(tmp_path))
    assert [str(p).split("content/", 1)[-1] for p in caught.value.problems] == [
        f"{name}: kdsite writes a file of its own at this place in the site — "
        "rename the file or move it into a folder of its own"
        for name in ("_kd/static/kdsite.css", "glossary.json", "index.html")]


def test_lines_are_exact_inside_paragraphs_lists_and_tables(tmp_path):
    body = ("Text\nmore [a](nope1.md)\n\n- item\n- [b](nope2.md)\n\n"
            "| x | y |\n| --- | --- |\n| 1 | 2 |\n| [c](nope3.md) | 4 |")
    found = problems_of(tmp_path, {"index.md": page("Start", body)})
    # The body starts on line 9: front matter (5 lines), a blank, the title, a blank.
    assert [line.split(":")[1] for line in found] == ["10", "13", "18"]


def test_a_heading_named_like_the_layouts_main_gets_the_next_free_id(tmp_path):
    project(tmp_path, {"index.md": page("Start", "## Main\n\nSee [the heading](#main-2) or [skip](#main).")})
    html = (build(load_config(tmp_path, strict=True)).output / "index.html").read_text()
    assert '<h2 id="main-2">Main</h2>' in html and html.count('id="main"') == 1
