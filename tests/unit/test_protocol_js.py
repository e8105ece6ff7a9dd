"""The page <-> worker protocol (kdsite/static/protocol.js) is defined once and matches Python.

Runs the request client's Node unit tests (tests/js/, `node --test`), and checks that the
Python functions protocol.js declares exist with the parameters it lists, that worker.js calls
exactly those, and that no other module spells a message type itself.
"""

import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
STATIC = PROJECT / "kdsite" / "static"
PROTOCOL = STATIC / "protocol.js"
# The modules on either side of the protocol; each must take message types from protocol.js.
USERS = ("worker.js", "supervisor.js", "runtime.js", "client.js")


def node() -> str:
    """Return the node executable, or fail saying how to get it."""
    found = shutil.which("node")
    if found is None:
        pytest.fail("Node.js is needed for the JavaScript unit tests: install nodejs")
    return found


def run_node(*args: str) -> subprocess.CompletedProcess:
    # KDSITE_PYTHON: the Python the JS tests ask for what the build writes (xz files, …).
    env = {**os.environ, "KDSITE_PYTHON": sys.executable}
    return subprocess.run([node(), *args], cwd=PROJECT, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def protocol() -> dict:
    """Return protocol.js's exports MSG and PYTHON, as Node reads them."""
    program = ("const m = await import(process.argv[1]);"
               "process.stdout.write(JSON.stringify({MSG: m.MSG, PYTHON: m.PYTHON}))")
    done = run_node("--input-type=module", "-e", program, PROTOCOL.as_uri())
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_request_client_unit_tests_pass():
    done = run_node("--test", "tests/js/")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^# pass [1-9]", done.stdout, re.M), done.stdout


def test_declared_python_functions_exist_with_those_parameters(protocol):
    module = importlib.import_module(protocol["PYTHON"]["module"])
    declared = protocol["PYTHON"]["functions"]
    assert declared, "protocol.js declares no Python function"
    for name, parameters in declared.items():
        function = getattr(module, name, None)
        assert callable(function), f"{module.__name__}.{name} does not exist (protocol.js PYTHON)"
        assert list(inspect.signature(function).parameters) == parameters, name


def test_worker_calls_exactly_the_declared_python_functions(protocol):
    worker = (STATIC / "worker.js").read_text(encoding="utf-8")
    assert "pyodide.pyimport(PYTHON.module)" in worker
    assert set(re.findall(r"\bstates\.(\w+)", worker)) == set(protocol["PYTHON"]["functions"])


@pytest.mark.parametrize("name", USERS)
def test_message_types_are_spelled_only_in_protocol_js(protocol, name):
    types = "|".join(map(re.escape, protocol["MSG"].values()))
    literal = re.compile(rf"""(?:\btype\s*(?:===|!==|==|!=|:)|\bcase)\s*["'`]({types})["'`]""")
    source = (STATIC / name).read_text(encoding="utf-8")
    found = [(source.count("\n", 0, m.start()) + 1, m.group(0)) for m in literal.finditer(source)]
    assert not found, f"{name} spells message types itself (use protocol.js MSG or its builders): {found}"
    assert '"./protocol.js"' in source or '"./client.js"' in source, f"{name} does not use protocol.js"
