"""One user-facing error family: every error carries its located problems; config errors share one type."""

from pathlib import Path

import pytest

from kdsite import errors
from kdsite.build import check_output_dir
from kdsite.config import load_config
from kdsite.errors import BuildErrors, ConfigError, KdsiteError, Problem


@pytest.mark.parametrize("error", [
    KdsiteError("what", "fix", "f.md", 3),
    ConfigError(Problem("what", "fix", "kdsite.toml")),
    errors.AssetError("what", "fix"),
    BuildErrors([Problem("b", "", "b.md", 2), Problem("a", "", "a.md", 9)]),
])
def test_every_error_carries_its_located_problems(error):
    assert error.problems and all(isinstance(p, Problem) for p in error.problems)
    assert error.problem is error.problems[0]
    assert str(error.problem) in str(error)


def test_a_list_reads_as_a_count_and_one_problem_per_line_sorted_by_place():
    error = ConfigError([Problem("b", "", "b.md", 2), Problem("a", "", "a.md", 9)])
    assert str(error) == "2 problems:\n  a.md:9: a\n  b.md:2: b"


def test_unused_error_classes_are_gone():
    assert not hasattr(errors, "ContentError")


@pytest.mark.parametrize("toml", [
    b"title = \n",  # not TOML
    b"colour = \"red\"\n",  # an unknown setting
    b"raw_html = \"yes\"\n",  # a setting of the wrong type
    b"title = \"\xff\"\n",  # not UTF-8
])
def test_a_config_error_of_every_kind_is_a_configerror_naming_kdsite_toml(tmp_path, toml):
    (tmp_path / "kdsite.toml").write_bytes(toml)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert all(str(p.file).endswith("kdsite.toml") for p in caught.value.problems)


def test_a_bad_output_folder_is_a_configerror(tmp_path):
    config = load_config(tmp_path, output=Path("content"))
    with pytest.raises(ConfigError) as caught:
        check_output_dir(config)
    assert caught.value.problems[0].message.endswith("is or contains content")
