"""`kdsite build` exits 0 when built, 1 on errors, 3 when --strict fails it on warnings alone."""

import subprocess
import sys
from pathlib import Path

import pytest

from kdsite.cli import EXIT_ERRORS, EXIT_STRICT_WARNINGS, main

PROJECT = Path(__file__).resolve().parents[2]
GOOD = "---\ntitle: Start\ndescription: A page.\norder: 0\n---\n\n# Start\n"
NO_DESCRIPTION = "---\ntitle: Loose\norder: 1\n---\n\n# Loose\n"


def project(tmp_path: Path, pages: dict[str, str]) -> Path:
    """Return a project folder holding these content pages and the real templates."""
    (tmp_path / "content").mkdir()
    for name, text in pages.items():
        (tmp_path / "content" / name).write_text(text)
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    return tmp_path


def test_a_clean_build_exits_0(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"index.md": GOOD}))
    assert main(["build", "--strict"]) == 0


def test_warnings_print_located_and_fail_only_a_strict_build_with_3(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(project(tmp_path, {"index.md": GOOD, "loose.md": NO_DESCRIPTION}))
    warning = "warning: content/loose.md:1: page has no description — add `description: …` to its front matter"
    assert main(["build"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    assert main(["build", "--strict"]) == EXIT_STRICT_WARNINGS == 3
    assert capsys.readouterr().err.splitlines() == [
        warning, "kdsite: --strict: 1 warning fails the build — fix it, or build without --strict"]


def test_errors_exit_1_even_with_warnings_and_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(project(tmp_path, {"index.md": GOOD + "\n[x](nowhere.md)\n", "loose.md": NO_DESCRIPTION}))
    assert main(["build", "--strict"]) == EXIT_ERRORS == 1
    assert "content/index.md:9: link to a page that does not exist: nowhere.md" in capsys.readouterr().err


def test_a_bad_setting_exits_1(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"index.md": GOOD}))
    (tmp_path / "kdsite.toml").write_text("raw_html = 1\n")
    assert main(["build"]) == 1


def test_a_bad_command_line_exits_2():
    with pytest.raises(SystemExit) as caught:
        main(["build", "--no-such-option"])
    assert caught.value.code == 2


def test_build_help_lists_the_exit_statuses():
    done = subprocess.run([sys.executable, "-m", "kdsite.cli", "build", "--help"],
                          capture_output=True, text=True, cwd=PROJECT, check=True)
    assert "exit status:" in done.stdout
    for status in ("0  the site was built", "1  content or configuration errors",
                   "2  the command line", "3  no errors, but --strict"):
        assert status in done.stdout
