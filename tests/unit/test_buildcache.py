"""The build cache: a value computed once is reused, keyed by every input; a bad entry is
recomputed; and a build from the cache writes exactly the bytes of a build without it."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from kdsite import buildcache
from kdsite.build import build
from kdsite.buildcache import BuildCache
from kdsite.config import load_config

PROJECT = Path(__file__).resolve().parents[2]


def counting(value):
    """Return a compute function that records how often it ran."""
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_a_value_is_computed_once_then_read_back(tmp_path):
    compute, calls = counting({"probs": [0.5, 0.25, 0.25], "label": "cat"})
    assert BuildCache(tmp_path).get_or_compute("state", ["w", {"t": 2}], compute) == {
        "probs": [0.5, 0.25, 0.25], "label": "cat"}
    again = BuildCache(tmp_path)  # a new build process
    assert again.get_or_compute("state", ["w", {"t": 2}], compute)["label"] == "cat"
    assert len(calls) == 1 and again.hits == 1 and again.misses == 0


def test_every_input_is_part_of_the_key(tmp_path, monkeypatch):
    cache = BuildCache(tmp_path)
    compute, calls = counting(1)
    for inputs in (["w", {"t": 2}], ["w", {"t": 3}], ["v", {"t": 2}]):
        cache.get_or_compute("state", inputs, compute)
    cache.get_or_compute("figure", ["w", {"t": 2}], compute)
    assert len(calls) == 4
    # Our code (or numpy's or matplotlib's version) changing is a new key too.
    monkeypatch.setattr(buildcache, "code_fingerprint", lambda: "other code")
    cache.get_or_compute("state", ["w", {"t": 2}], compute)
    assert len(calls) == 5


def test_the_fingerprint_covers_the_package_sources():
    text = json.dumps(sorted(p.name for p in buildcache.PACKAGE.rglob("*.py")))
    assert "softening.py" in text and "accuracy_vs_size.py" in text
    assert len(buildcache.code_fingerprint()) == 64


def test_a_corrupted_entry_is_recomputed_and_rewritten(tmp_path):
    cache = BuildCache(tmp_path)
    compute, calls = counting([1, 2, 3])
    cache.get_or_compute("state", "x", compute)
    (entry,) = tmp_path.glob("state-*.json")
    entry.write_text('[1, 2', encoding="utf-8")  # cut off, as by a full disk
    assert BuildCache(tmp_path).get_or_compute("state", "x", compute) == [1, 2, 3]
    assert len(calls) == 2 and json.loads(entry.read_text()) == [1, 2, 3]


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    compute, calls = counting({"a": (1, 2)})
    # The value comes back in its stored (JSON) form even when it could not be stored.
    assert BuildCache(blocker / "cache").get_or_compute("state", "x", compute) == {"a": [1, 2]}
    assert BuildCache(None).get_or_compute("state", "x", compute) == {"a": [1, 2]}
    assert len(calls) == 2


def test_prune_keeps_the_most_recently_used(tmp_path, monkeypatch):
    monkeypatch.setattr(buildcache, "MAX_ENTRIES", 4)
    cache = BuildCache(tmp_path)
    for i in range(5):
        cache.get_or_compute("state", i, lambda i=i: i)
        entry = tmp_path / f"state-{cache.key('state', i)}.json"
        os.utime(entry, (1000 + i, 1000 + i))
    cache.prune()
    left = {json.loads(p.read_text()) for p in tmp_path.glob("*.json")}
    assert left == {3, 4}


def test_a_build_from_the_cache_writes_the_same_bytes(tmp_path):
    config = load_config(PROJECT)
    outputs = []
    for run in ("cold", "warm"):
        out = tmp_path / f"_site_{run}"
        build(dataclasses.replace(config, output_dir=out), BuildCache(tmp_path / "cache"))
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    entries = list((tmp_path / "cache").glob("*.json"))
    assert any(p.name.startswith("figure-") for p in entries) and any(p.name.startswith("state-") for p in entries)
    cold, warm = outputs
    assert cold.keys() == warm.keys()
    differing = [path for path in cold if cold[path] != warm[path]]
    assert differing == [], "a cached build differs from an uncached one"


@pytest.fixture(autouse=True)
def _fresh_fingerprint():
    """Forget the fingerprint between tests, as a new process would."""
    buildcache.code_fingerprint.cache_clear()
    yield
    buildcache.code_fingerprint.cache_clear()
