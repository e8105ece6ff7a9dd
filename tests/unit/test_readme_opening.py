"""The README opens with its title, then the two commands that build and test everything."""

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_opens_with_its_title_and_the_two_commands():
    opening = README.read_text(encoding="utf-8").split("\n\n", 2)[:2]
    assert opening == ["# kdsite", "```sh\nmake site\nmake test\n```"]
