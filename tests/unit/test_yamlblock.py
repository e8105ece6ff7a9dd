"""YAML blocks: numbers read as authors mean them, and every key's file line."""

from __future__ import annotations

import pytest

from kdsite.markdown.yamlblock import load_block


@pytest.mark.parametrize("text, value", [
    ("1e-9", 1e-9), ("2E5", 2e5), ("-3e+2", -300.0), ("1.5e-3", 1.5e-3), ("0.25", 0.25), ("7", 7),
    (".inf", float("inf")), ("'1e-9'", "1e-9"), ("e5", "e5"), ("1e", "1e"),
])
def test_numbers_read_as_written(text, value):
    problems = []
    block = load_block(f"x: {text}\n", "page.md", 10, "widget parameters", problems)
    assert problems == [] and block.data["x"] == value and type(block.data["x"]) is type(value)


def test_lists_of_exponents_and_key_lines():
    problems = []
    block = load_block("teacher: [1e-3, 2e-1, 1]\n\nT: 4\n", "page.md", 10, "widget parameters", problems)
    assert block.data == {"teacher": [1e-3, 2e-1, 1], "T": 4}
    assert block.lines == {"teacher": 10, "T": 12}


def test_bad_yaml_is_located():
    problems = []
    assert load_block("a: [1, 2\n", "page.md", 5, "widget parameters", problems) is None
    (problem,) = problems
    assert problem.line >= 5 and "not valid YAML" in problem.message
