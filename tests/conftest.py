"""Fixtures shared by the site, browser and Pyodide tests."""

from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the real project once per test session into a temporary folder and return it."""
    output = tmp_path_factory.mktemp("site") / "_site"
    build(load_config(PROJECT, output=output))
    return output
