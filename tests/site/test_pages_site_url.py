"""scripts/pages-site-url: the Pages workflow's way to give the build the site's address."""

import subprocess
from pathlib import Path

import pytest

from kdsite.config import load_config

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pages-site-url"


def run(folder: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, url], cwd=folder, capture_output=True, text=True)


@pytest.mark.parametrize("existing", [None, 'title = "Mine"', 'title = "Mine"\n'])
def test_the_pages_address_becomes_site_url(tmp_path, existing):
    if existing is not None:
        (tmp_path / "kdsite.toml").write_text(existing)
    assert run(tmp_path, "https://octocat.github.io/repo").returncode == 0
    config = load_config(tmp_path)
    assert config.site_url == "https://octocat.github.io/repo"
    assert config.title == ("Mine" if existing else "Knowledge distillation, explained")


def test_a_site_url_the_project_sets_is_kept(tmp_path):
    (tmp_path / "kdsite.toml").write_text('site_url = "https://kd.example.org/"\n')
    assert run(tmp_path, "https://octocat.github.io/repo").returncode == 0
    assert (tmp_path / "kdsite.toml").read_text() == 'site_url = "https://kd.example.org/"\n'


@pytest.mark.parametrize("url", ["", "octocat.github.io/repo", 'https://a"b', "https://a b"])
def test_anything_but_an_address_is_refused_and_nothing_written(tmp_path, url):
    done = run(tmp_path, url)
    assert done.returncode == 1 and "scripts/pages-site-url" in done.stderr
    assert not (tmp_path / "kdsite.toml").exists()
