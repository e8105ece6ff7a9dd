"""Golden warnings: build a one-page project with --strict and return the warnings it prints."""

from pathlib import Path

from kdsite.cli import main

FIXTURES = Path(__file__).parent / "warn_content"
PROJECT = Path(__file__).resolve().parents[2]


def strict_warnings(tmp_path: Path, monkeypatch, capsys, name: str) -> tuple[int, list[str]]:
    """Build the fixture warn_content/`name`.md alone with --strict; return (exit status, warnings).

    Each warning is as printed, without `warning: ` and `content/`.
    """
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / f"{name}.md").write_text((FIXTURES / f"{name}.md").read_text(encoding="utf-8"),
                                                      encoding="utf-8")
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    monkeypatch.chdir(tmp_path)
    status = main(["build", "--strict"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, [line.removeprefix("warning: ").replace("content/", "", 1)
                    for line in err.splitlines() if line.startswith("warning: ")]


def expected_warnings(name: str) -> list[str]:
    """Return the warnings the fixture `name` should give, one per line of its .warnings file."""
    return (FIXTURES / f"{name}.warnings").read_text(encoding="utf-8").splitlines()
