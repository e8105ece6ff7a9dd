"""Golden tests: each bad page in bad_content/ stops the build with exactly the errors beside it."""

from pathlib import Path

import pytest

from kdsite.cli import main
from kdsite.widgets import WIDGETS

FIXTURES = Path(__file__).parent / "bad_content"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


def make_project(tmp_path: Path, name: str) -> Path:
    """Return a project folder whose only page is the fixture `name`."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / f"{name}.md").write_text((FIXTURES / f"{name}.md").read_text())
    (tmp_path / "templates").symlink_to(Path(__file__).parents[2] / "templates")
    return tmp_path


@pytest.mark.parametrize("name", CASES)
def test_bad_content_reports_located_errors(name, tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path, name)
    monkeypatch.chdir(project)
    (project / "_site").mkdir()
    (project / "_site" / "keep.html").write_text("previous build")
    (project / "_site" / ".kdsite-build").write_text("")

    assert main(["build"]) == 1

    err = capsys.readouterr().err
    assert "Traceback" not in err
    reported = [line.strip().replace("content/", "") for line in err.splitlines()[1:]]
    # {widgets} stands for the list of every widget, which grows with the project.
    widgets = ", ".join(WIDGETS)
    expected = (FIXTURES / f"{name}.errors").read_text().replace("{widgets}", widgets).splitlines()
    assert reported == expected
    # A failed build leaves the previous site as it was.
    assert (project / "_site" / "keep.html").read_text() == "previous build"


def test_every_fixture_has_expected_errors():
    assert CASES and all((FIXTURES / f"{name}.errors").exists() for name in CASES)
