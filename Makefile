# Two commands for a fresh machine: `make run` and `make test`. Both build .venv from the pinned
# requirements first; the stamp files make a second run skip the install unless a requirements
# file changed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
WORKERS ?= 2

.PHONY: run serve test test-fast validate system-packages bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@ $(VENV)/.runtime

$(VENV)/.bench: requirements.txt requirements-test.txt requirements-bench.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@ $(VENV)/.test $(VENV)/.runtime

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here); the
# load test puts two app processes behind Debian's nginx.
system-packages:
	@test -x /usr/bin/chromium && test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's chromium and nginx for the browser and load tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium nginx; }

run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

# Several app processes behind nginx (sticky sessions, websockets, health checks): deploy/serve.py.
serve: $(VENV)/.runtime
	@test -x /usr/sbin/nginx || { echo "make serve needs nginx: make system-packages (or apt-get install nginx)"; exit 1; }
	$(PY) -m deploy.serve --workers $(WORKERS) --port $(PORT)

validate: $(VENV)/.runtime
	$(PY) -m dashboard.validate

test: $(VENV)/.test system-packages
	$(PY) -m pytest

test-fast: $(VENV)/.test
	$(PY) -m pytest -m "not browser and not load"

# Timing goals live here, never in the test suite: results in bench/results/, summary in README.
bench: $(VENV)/.bench system-packages
	$(PY) -m bench.run
	$(PY) -m bench.load_test --sessions 20

clean:
	rm -rf $(VENV) .pytest_cache
