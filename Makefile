# make site   — set up .venv, fetch and verify the Pyodide assets, build _site/
# make test   — the same set-up plus Chromium, Firefox ESR, WebKitGTK and a Java (for the HTML checker),
#               then `ruff check` and every test
# make serve  — build, then preview on http://127.0.0.1:8000/
# make bench  — load speed on local and mobile links beside naive and PyScript peers, slider, training,
#               builds (bench/results.json)
# make bench-engines — time to live in Chromium, Firefox ESR and WebKitGTK, served and from file://
PYTHON := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kdsite-installed

.PHONY: site test serve bench bench-engines clean

site: $(STAMP)
	$(BIN)/kdsite build

test: $(STAMP)
	$(BIN)/ruff check .
	KDSITE_CHROMIUM="$$(scripts/ensure-chromium)" KDSITE_JAVA="$$(scripts/ensure-java)" \
	  KDSITE_FIREFOX="$$(scripts/ensure-firefox)" KDSITE_WEBKIT="$$(scripts/ensure-webkit)" \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	KDSITE_CHROMIUM="$$(scripts/ensure-chromium)" $(BIN)/python -m bench $(BENCH_ARGS)

bench-engines: $(STAMP)
	KDSITE_CHROMIUM="$$(scripts/ensure-chromium)" KDSITE_FIREFOX="$$(scripts/ensure-firefox)" \
	  KDSITE_WEBKIT="$$(scripts/ensure-webkit)" $(BIN)/python -m bench.engines $(BENCH_ARGS)

serve: site
	$(BIN)/kdsite serve --no-build

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12+ not found" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf _site
