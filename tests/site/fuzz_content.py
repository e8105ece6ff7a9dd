"""Hypothesis strategies for test_fuzz_build: content folders of plausible and hostile pages."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

import yaml
from hypothesis import strategies as st

from kdsite.figures import FIGURES
from kdsite.widgets import WIDGETS
from kdsite.widgets.params import REQUIRED
from kdsite.widgets.training_lab import TEST_POINTS

PAGE_NAMES = ["index", "loss", "a-b", "glossary/index", "glossary/term", "deep/er/page"]
IDS = ["demo", "kl-demo", "x", "Bad Id", "", "9lives"]
HOSTILE_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:x", "&#106;avascript:x",
                "%6aavascript:x", "data:text/html,<b>x</b>", "data:image/png;base64,AAAA", "vbscript:x",
                "file:///etc/passwd", "//evil.example/x.js"]
LINKS = ["index.md", "loss.md", "loss.html", "missing.md", "#intro", "#nowhere", "loss.md#intro",
         "glossary/", "glossary/term.md", "../up.md", "../../x", "/abs.md", "img.png", "?q=1", "",
         "https://example.org/", "mailto:a@example.org", "%zz", "a b.md", "ünï.md", *HOSTILE_URLS]
LATEX = ["x^2", r"\frac{a}{b}", r"\frac{a}", "{", "}", "x_", r"\style{color:red}{x}", r"\href{x}{y}",
         r"\unknowncmd", r"\sqrt[3]{x}", "", " ", r"\begin{matrix}a&b\end{matrix}", "\\", r"\operatorname{KL}(p\|q)",
         r"\left(", r"\mathrm{}", "a^^b", r"\text{$x$}"]
BROKEN_YAML = ["title: [unclosed\n", "a: b\n  c: d\n", ": :\n", "- a\n- b\n", "title: 'x\n", "\t\n", "42\n",
               "x: !!python/object/apply:os.system [ls]\n", "? [a, b]\n: c\n", "a: &x [*x]\n", "%YAML 9\n---\n",
               "a: 1\na: 2\n", "{{{\n", "\x00\n", "title: \"\\q\"\n"]

NUMBERS = st.one_of(st.integers(-3, 12), st.floats(-6, 6), st.integers(), st.floats(),
                    st.sampled_from([0, -0.0, 1e308, -1e308, 5e-324, 2**63, 2**31, float("nan"), float("inf")]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=8))
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=8)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=24)
WORDS = st.lists(st.sampled_from(["the", "teacher", "T", "soft", "α", "*x*", "`c`", "<b>", "&amp;", "\\$",
                                  "***", "|", "-", "$", "[", "]", "_", "!"]), min_size=1, max_size=8).map(" ".join)
# Ids that headings made of CLEAN_WORDS, or a widget, may have.
ANCHORS = ["#the", "#the-teacher", "#t", "#α", "#ünï", "#c", "#x", "#the-1", "#demo", "#main", "#nowhere"]
CLEAN_WORDS = st.lists(st.sampled_from(["the", "teacher", "T", "soft", "α", "*x*", "`c`", "&", "<b>", "ünï"]),
                       min_size=1, max_size=6).map(" ".join)


@dataclass
class Project:
    """A generated content folder (relative path → bytes) and whether to build it strictly."""

    files: dict[str, bytes]
    strict: bool


def dump(data) -> str:
    """Return data as YAML, as an author might write it."""
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=None, sort_keys=False)


def valid(widget: str, name: str, n: int) -> st.SearchStrategy:
    """Return allowed values for parameter `name` of `widget` with n classes, edges included."""
    logit = st.one_of(st.floats(-50, 50), st.sampled_from([0.0, 1e6, -1e6, 1e300, -1e300]))
    if name in ("teacher", "student", "teacher_probs"):
        return st.lists(st.floats(0, 1), min_size=n, max_size=n).map(lambda v: v if any(v) else [1.0, *v[1:]])
    if name in ("teacher_logits", "student_logits"):
        return st.lists(logit, min_size=n, max_size=n)
    if name == "logits" and widget == "soft-labels":  # an N×N matrix, each row peaking at its own class
        return st.lists(st.lists(st.floats(-6, 6), min_size=n, max_size=n), min_size=n, max_size=n).map(
            lambda m: [[12.0 if i == j else v for j, v in enumerate(row)] for i, row in enumerate(m)])
    if name == "logits":
        return st.lists(logit, min_size=n, max_size=n)
    if name == "labels":
        return st.lists(st.one_of(TEXT, st.integers()), min_size=n, max_size=n)
    if name == "temp_range":
        return st.tuples(st.floats(0.1, 1), st.floats(8, 12)).map(list)
    if name in ("show_slider", "show_kl"):
        return st.booleans()
    if name == "id":
        return st.sampled_from(IDS[:3])
    if name in ("label", "true_label", "class"):
        return st.integers(0, n - 1)
    ranges = {"epochs": (10, 40), "steps": (1, 200), "seed": (0, 2**31 - 1), "teacher_layers": (1, 3),
              "student_layers": (0, 2), "point": (0, TEST_POINTS - 1)}  # few epochs: training-lab trains networks
    if name in ranges:
        return st.integers(*ranges[name])
    return {"alpha": st.floats(0, 1), "learning_rate": st.floats(0.01, 10)}.get(name, st.floats(1, 8))


def near_miss(widget: str, name: str, n: int) -> st.SearchStrategy:
    """Return values just outside what a parameter allows: another length, out of range, not finite."""
    other_size = st.sampled_from([1, n - 1, n + 1]).flatmap(lambda k: valid(widget, name, k))
    return st.one_of(other_size, st.sampled_from([-1, 0, n, 501, 1e308, float("nan"), float("inf"), -0.0, True,
                                                  "2", [1, 2], []]))


@st.composite
def widget_fence(draw, clean: bool) -> str:
    """Return a kd-widget block: a known widget with allowed parameters, or anything at all."""
    names = list(WIDGETS) if clean else [*WIDGETS, *WIDGETS, "no-such-widget", "", "two words"]
    name = draw(st.sampled_from(names))
    spec = WIDGETS.get(name)
    n = draw(st.integers(2, 5))
    params = {}
    for param in spec.all_params() if spec else []:
        if param.name == "id" and clean:
            continue  # two widgets of a page must not share one
        if param.default is REQUIRED or draw(st.sampled_from([True, True, True, False])):
            good = valid(name, param.name, n)
            params[param.name] = draw(good if clean else st.one_of(good, near_miss(name, param.name, n), JUNK))
    if clean:
        return f"```kd-widget {name}\n{dump(params) if params else ''}```"
    if draw(st.sampled_from([False] * 9 + [True])):
        params[draw(st.text(max_size=6))] = draw(JUNK)
    body = draw(st.one_of(st.just(dump(params) if params else ""), st.sampled_from(BROKEN_YAML), JUNK.map(dump)))
    return f"```kd-widget {name}\n{body}```"


@st.composite
def figure_fence(draw, clean: bool) -> str:
    """Return a kd-figure block: a known figure with alt text, or anything at all."""
    if clean:
        params = draw(st.fixed_dictionaries({"alt": WORDS}, optional={"caption": WORDS}))
        return f"```kd-figure {draw(st.sampled_from(list(FIGURES)))}\n{dump(params)}```"
    name = draw(st.sampled_from([*FIGURES, "no-such-figure", ""]))
    params = draw(st.fixed_dictionaries({}, optional={"alt": st.one_of(TEXT, JUNK), "caption": st.one_of(TEXT, JUNK),
                                                      "width": JUNK}))
    body = draw(st.one_of(st.just(dump(params) if params else ""), st.sampled_from(BROKEN_YAML)))
    return f"```kd-figure {name}\n{body}```"


@st.composite
def embed_fence(draw) -> str:
    """Return a kd-embed block naming a page and widget that may or may not exist."""
    params = draw(st.fixed_dictionaries({}, optional={
        "page": st.one_of(st.sampled_from(PAGE_NAMES), JUNK), "widget": st.one_of(st.sampled_from(IDS), JUNK),
        "height": st.one_of(st.integers(-10, 3000), JUNK)}))
    body = draw(st.one_of(st.just(dump(params) if params else ""), st.sampled_from(BROKEN_YAML)))
    return f"```kd-embed\n{body}```"


def inline(clean: bool, pages: list[str]) -> st.SearchStrategy[str]:
    """Return a piece of a paragraph: words, a link, an image or a formula."""
    if clean:
        # Links to the other pages and to ids a heading or widget may have: the build checks
        # them, so when it succeeds, the site's links must agree with it.
        local = st.tuples(st.sampled_from(pages), st.sampled_from(["", *ANCHORS])).map("".join)
        url = st.one_of(local, CLEAN_WORDS.map("https://example.org/{}".format), st.just("img.png"))
        return st.one_of(CLEAN_WORDS, st.builds("[{}]({})".format, CLEAN_WORDS, url),
                         st.builds("![{}]({})".format, CLEAN_WORDS, url), st.sampled_from(LATEX[:2]).map("${}$".format))
    url = st.one_of(st.sampled_from(LINKS), TEXT)
    latex = st.one_of(st.sampled_from(LATEX), st.text("x^_{}\\ab1+- ", max_size=10))
    return st.one_of(WORDS, TEXT, st.builds("[{}]({})".format, WORDS, url), st.builds("![{}]({})".format, TEXT, url),
                     latex.map("${}$".format), st.builds("<{}>".format, url))


def blocks(clean: bool, pages: list[str]) -> st.SearchStrategy[str]:
    """Return one Markdown block; `pages` are the other pages as this one links to them."""
    heading = st.builds("{} {}".format, st.sampled_from(["#", "##", "###", "####"]),
                        CLEAN_WORDS if clean else st.one_of(WORDS, TEXT))
    paragraph = st.lists(inline(clean, pages), min_size=1, max_size=5).map(" ".join)
    display = st.sampled_from(LATEX[:2] if clean else LATEX).map("$$\n{}\n$$".format)
    table = st.just("| a | b |\n|:--|--:|\n| 1 | 2 |")
    common = [heading, paragraph, paragraph, display, table, widget_fence(clean), figure_fence(clean)]
    if clean:
        return st.one_of(*common)
    return st.one_of(*common, embed_fence(), st.sampled_from(
        ["```", "~~~kd-widget distill-steps", "```kd-widget\n```", "> quote", "- item", "    indented"]))


def front_matter(clean: bool, order: int) -> st.SearchStrategy[str]:
    """Return a page's front matter: good, or none, wrongly typed, or not YAML at all."""
    good = st.fixed_dictionaries({"title": CLEAN_WORDS, "description": CLEAN_WORDS, "order": st.just(order)})
    if clean:
        return good.map(dump).map("---\n{}---\n".format)
    wild = st.dictionaries(st.sampled_from(["title", "description", "order", "draft"]), JUNK, max_size=4)
    return st.one_of(st.just(""), good.map(dump).map("---\n{}---\n".format), wild.map(dump).map("---\n{}---\n".format),
                     st.sampled_from(BROKEN_YAML).map("---\n{}---\n".format), st.just("---\n"))


@st.composite
def pages(draw, clean: bool, name: str, names: list[str]) -> bytes:
    """Return the bytes of page `name` (one of `names`): front matter and blocks, now and then not UTF-8."""
    others = [posixpath.relpath(f"{other}.md", posixpath.dirname(name) or ".") for other in names]
    body = "\n\n".join(draw(st.lists(blocks(clean, ["", *others]), max_size=6)))
    text = draw(front_matter(clean, names.index(name))) + body + "\n"
    data = text.encode()
    if not clean and draw(st.sampled_from([False] * 19 + [True])):
        data += b"\xff\xfe bad bytes\n"
    return data


@st.composite
def projects(draw) -> Project:
    """Return a content folder: index.md and up to two more pages, all clean or all wild."""
    clean = draw(st.booleans())
    names = ["index", *draw(st.lists(st.sampled_from(PAGE_NAMES[1:]), max_size=2, unique=True))]
    files = {f"{name}.md": draw(pages(clean, name, names)) for name in names}
    if clean and draw(st.booleans()):  # a widget with an id, and its embed on the last page
        files["index.md"] += b"\n```kd-widget temperature-explorer\nid: demo\nlogits: [2, 1, 0]\n```\n"
        height = draw(st.integers(1, 10000))
        files[f"{names[-1]}.md"] += f"\n```kd-embed\npage: index\nwidget: demo\nheight: {height}\n```\n".encode()
    # Beside the pages: an image, or (wild) files where the build writes its own.
    extras = ["img.png"] if clean else ["img.png", "sw.js", "404.html", "_kd/x.css", ".hidden", "embed/x", "index.html"]
    for extra in draw(st.lists(st.sampled_from(extras), max_size=2, unique=True)):
        files[extra] = b"\x89PNG\r\n"
    return Project(files, draw(st.booleans()))
