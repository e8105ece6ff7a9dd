"""One widget, one checklist: every place that names the widgets names the same ones.

The places are those README.md's "Adding a widget" lists: the parameter spec (kdsite.widgets),
the state function (kdsite.core.states), the template, the script, the optional stylesheet
and the README's table of widgets. A widget missing from any of them, or a file or entry for
a widget that is not registered, is reported by what is missing and where.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kdsite.core.states import STATE_FUNCTIONS
from kdsite.widgets import WIDGETS

PROJECT = Path(__file__).resolve().parents[2]
SHARED_SCRIPTS = {"common"}  # kdsite/static/widgets/common.js: imported by every widget script


def module(name: str) -> str:
    """Return the Python module name of widget `name`: training-lab → training_lab."""
    return name.replace("-", "_")


def widget_table(readme: str) -> dict[str, set[str]]:
    """Return the README's table of widgets: name → the parameters its row lists."""
    section = readme.split("\n## Widgets\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|[^|\n]*\|([^|\n]*)\|$", section, re.M)
    return {name: set(re.findall(r"`([a-z_]+)`", params)) for name, params in rows}


def registry_problems(root: Path, specs: dict, state_functions: dict) -> list[str]:
    """Return what disagrees between the widget registries of the project at `root`, given its
    specs (name → WidgetSpec) and state functions (name → function); [] when all agree."""
    problems: list[str] = []
    names = set(specs)

    def compare(found: set[str], what: str) -> None:
        problems.extend(f"{name}: no {what}" for name in sorted(names - found))
        problems.extend(f"{name}: {what}, but kdsite.widgets registers no such widget"
                        for name in sorted(found - names))

    problems.extend(f"{key}: registered under another name than its spec's, {spec.name!r}"
                    for key, spec in specs.items() if spec.name != key)
    compare(set(state_functions), "state function in kdsite/core/states/__init__.py STATE_FUNCTIONS")
    for name, function in state_functions.items():
        if function.__name__ != f"{module(name)}_state":
            problems.append(f"{name}: its state function is {function.__name__}, not {module(name)}_state")

    # Modules that define a widget, registered or not.
    spec_modules = {path.stem.replace("_", "-") for path in (root / "kdsite" / "widgets").glob("*.py")
                    if re.search(r"^SPEC\s*=", path.read_text(encoding="utf-8"), re.M)}
    compare(spec_modules, "module kdsite/widgets/<name>.py defining SPEC")
    state_modules = {path.stem.replace("_", "-") for path in (root / "kdsite" / "core" / "states").glob("*.py")
                     if re.search(rf"^def {path.stem}_state\(", path.read_text(encoding="utf-8"), re.M)}
    compare(state_modules, "module kdsite/core/states/<name>.py defining <name>_state")

    templates = {path.stem: path for path in (root / "templates" / "widgets").glob("*.html")}
    compare(set(templates), "template templates/widgets/<name>.html")
    for name, path in templates.items():
        if f'data-kd-widget="{name}"' not in path.read_text(encoding="utf-8"):
            problems.append(f'{name}: its template has no root with data-kd-widget="{name}"')

    scripts = {path.stem: path for path in (root / "kdsite" / "static" / "widgets").glob("*.js")
               if path.stem not in SHARED_SCRIPTS}
    compare(set(scripts), "script kdsite/static/widgets/<name>.js")
    for name, path in scripts.items():
        if not re.search(r"^export function mount\(root, api\)", path.read_text(encoding="utf-8"), re.M):
            problems.append(f"{name}: its script exports no mount(root, api) (runtime.js calls it)")

    # A stylesheet is optional: render.py links kdsite/static/widgets/<name>.css on the pages that
    # use the widget, if it exists (the rest is in kdsite.css). Each widget has its own class
    # beside kd-widget on its root, and its stylesheet styles that class and its elements.
    stylesheets = {path.stem: path for path in (root / "kdsite" / "static" / "widgets").glob("*.css")}
    problems.extend(f"{name}: stylesheet kdsite/static/widgets/{name}.css, but kdsite.widgets registers no such widget"
                    for name in sorted(set(stylesheets) - names))
    owners: dict[str, str] = {}
    for name, path in sorted(templates.items()):
        root_class = re.search(r'class="kd-widget ([\w-]+)"[^>]*data-kd-widget=', path.read_text(encoding="utf-8"))
        if not root_class:
            problems.append(f'{name}: its template\'s root has no class="kd-widget <its own class>"')
            continue
        own = root_class[1]
        if own in owners:
            problems.append(f"{name}: its root class .{own} is {owners[own]}'s too")
        owners[own] = name
        # The class itself or one of its BEM elements and modifiers (.kd-dv__row, .kd-lab--x).
        if name in stylesheets and not re.search(rf"\.{re.escape(own)}(?:__|--|(?![\w-]))",
                                                 stylesheets[name].read_text(encoding="utf-8")):
            problems.append(f"{name}: kdsite/static/widgets/{name}.css does not style .{own}")

    table = widget_table((root / "README.md").read_text(encoding="utf-8"))
    compare(set(table), 'row in the README\'s "Widgets" table')
    for name in sorted(names & set(table)):
        params = {param.name for param in specs[name].params}
        if table[name] != params:
            problems.append(f"{name}: the README lists the parameters {sorted(table[name])}, "
                            f"its spec {sorted(params)}")
    return problems


def test_every_registry_names_the_same_widgets():
    assert registry_problems(PROJECT, WIDGETS, STATE_FUNCTIONS) == []


def test_readme_lists_the_registry_files_to_touch():
    section = (PROJECT / "README.md").read_text(encoding="utf-8").split("\n### Adding a widget\n", 1)[1]
    section = section.split("\n#", 1)[0]
    for path in ("kdsite/widgets/__init__.py", "kdsite/core/states/__init__.py", "templates/widgets/",
                 "kdsite/static/widgets/", ".css", "tests/unit/test_widget_registries.py"):
        assert path in section


# ---- the check itself finds each kind of disagreement, on a copy of the project's registries ----

@pytest.fixture
def project(tmp_path) -> Path:
    """Return a copy of the files the registries live in."""
    for folder in ("kdsite/widgets", "kdsite/core/states", "templates/widgets", "kdsite/static/widgets"):
        shutil.copytree(PROJECT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "README.md", tmp_path / "README.md")
    return tmp_path


def remove(path: Path) -> None:
    path.unlink()


def add(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


FILE_FAULTS = {
    "template missing": (lambda root: remove(root / "templates/widgets/soft-labels.html"),
                         "soft-labels: no template"),
    "template extra": (lambda root: add(root / "templates/widgets/heat-map.html", '<div data-kd-widget="heat-map">'),
                       "heat-map: template"),
    "template root": (lambda root: edit(root / "templates/widgets/loss-explorer.html",
                                        'data-kd-widget="loss-explorer"', 'data-kd-widget="loss"'),
                      'loss-explorer: its template has no root with data-kd-widget="loss-explorer"'),
    "script missing": (lambda root: remove(root / "kdsite/static/widgets/distill-steps.js"),
                       "distill-steps: no script"),
    "script extra": (lambda root: add(root / "kdsite/static/widgets/heat-map.js", "export function mount(root, api)"),
                     "heat-map: script"),
    "script without mount": (lambda root: edit(root / "kdsite/static/widgets/training-lab.js",
                                               "export function mount(", "function mount("),
                             "training-lab: its script exports no mount"),
    "stylesheet extra": (lambda root: add(root / "kdsite/static/widgets/heat-map.css", ".kd-hm {}"),
                         "heat-map: stylesheet"),
    "stylesheet of another widget": (lambda root: add(root / "kdsite/static/widgets/soft-labels.css", ".kd-le {}"),
                                     "soft-labels: kdsite/static/widgets/soft-labels.css does not style .kd-sl"),
    "root class shared": (lambda root: edit(root / "templates/widgets/soft-labels.html",
                                            'class="kd-widget kd-sl"', 'class="kd-widget kd-te"'),
                          "temperature-explorer: its root class .kd-te is soft-labels's too"),
    "spec module extra": (lambda root: add(root / "kdsite/widgets/heat_map.py", "SPEC = None\n"),
                          "heat-map: module kdsite/widgets/<name>.py"),
    "spec module missing": (lambda root: remove(root / "kdsite/widgets/temperature_explorer.py"),
                            "temperature-explorer: no module kdsite/widgets/<name>.py"),
    "state module extra": (lambda root: add(root / "kdsite/core/states/heat_map.py", "def heat_map_state(c, k):\n"),
                           "heat-map: module kdsite/core/states/<name>.py"),
    "state module missing": (lambda root: remove(root / "kdsite/core/states/distillation_viz.py"),
                             "distillation-viz: no module kdsite/core/states/<name>.py"),
    "readme row missing": (lambda root: edit(root / "README.md", "| `distill-steps` |", "| distill-steps |"),
                           'distill-steps: no row in the README\'s "Widgets" table'),
    "readme parameter missing": (lambda root: edit(root / "README.md", "`show_slider`, ", ""),
                                 "distillation-viz: the README lists the parameters"),
}


@pytest.mark.parametrize("fault", FILE_FAULTS)
def test_a_missing_or_extra_file_is_found(project, fault):
    make, expected = FILE_FAULTS[fault]
    assert registry_problems(project, WIDGETS, STATE_FUNCTIONS) == []
    make(project)
    problems = registry_problems(project, WIDGETS, STATE_FUNCTIONS)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_missing_or_extra_registration_is_found(project):
    specs = {name: spec for name, spec in WIDGETS.items() if name != "soft-labels"}
    assert "soft-labels: template templates/widgets/<name>.html, but kdsite.widgets registers no such widget" in (
        registry_problems(project, specs, STATE_FUNCTIONS))
    functions = {name: function for name, function in STATE_FUNCTIONS.items() if name != "loss-explorer"}
    assert "loss-explorer: no state function in kdsite/core/states/__init__.py STATE_FUNCTIONS" in registry_problems(
        project, WIDGETS, functions)
    swapped = dict(STATE_FUNCTIONS, **{"soft-labels": STATE_FUNCTIONS["loss-explorer"]})
    assert "soft-labels: its state function is loss_explorer_state, not soft_labels_state" in registry_problems(
        project, WIDGETS, swapped)
