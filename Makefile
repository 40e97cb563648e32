# Two commands for a fresh machine: `make run` and `make test`. Both build .venv from the pinned
# requirements first; the stamp files make a second run skip the install unless a requirements
# file changed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
WORKERS ?= 2

.PHONY: run serve test test-fast lint validate translations system-packages bench screenshots clean

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

# Extract every marked string into the template and merge it into each language's catalogue;
# translators then fill in dashboard/locale/<lang>/LC_MESSAGES/messages.po (the app compiles the
# .po files in memory when it starts). A new language: pybabel init -l <lang> (see README).
translations: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract --mapping-file babel.cfg --keywords "_ N_ ngettext:1,2" --no-location \
	  --sort-output --project "Regional innovation metrics" --output-file dashboard/locale/messages.pot .
	$(VENV)/bin/pybabel update --input-file dashboard/locale/messages.pot --output-dir dashboard/locale \
	  --domain messages --no-fuzzy-matching --ignore-obsolete

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here), which
# needs a CJK font to draw the Chinese interface; the load test puts app processes behind nginx.
system-packages:
	@test -x /usr/bin/chromium && test -x /usr/sbin/nginx && test -d /usr/share/fonts/opentype/noto || { \
	  echo "Installing Debian's chromium, nginx and fonts-noto-cjk for the browser and load tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium nginx fonts-noto-cjk; }

run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

# Several app processes behind nginx (sticky sessions, websockets, health checks): deploy/serve.py.
serve: $(VENV)/.runtime
	@test -x /usr/sbin/nginx || { echo "make serve needs nginx: make system-packages (or apt-get install nginx)"; exit 1; }
	$(PY) -m deploy.serve --workers $(WORKERS) --port $(PORT)

validate: $(VENV)/.runtime
	$(PY) -m dashboard.validate

test: $(VENV)/.test system-packages lint
	$(PY) -m pytest

# ruff, pinned in requirements-test.txt, configured in pyproject.toml.
lint: $(VENV)/.test
	$(VENV)/bin/ruff check .

test-fast: $(VENV)/.test lint
	$(PY) -m pytest -m "not browser and not load and not server"

# Timing goals live here, never in the test suite: results in bench/results/, summary in README.
bench: $(VENV)/.bench system-packages
	$(PY) -m bench.run
	$(PY) -m bench.curation
	$(PY) -m bench.load_test --sessions 20

# Every page at 1440x900 and 390x844, English and Chinese, light and dark: docs/screenshots/ and
# the README's gallery.
screenshots: $(VENV)/.test system-packages
	$(PY) -m bench.screenshots

clean:
	rm -rf $(VENV) .pytest_cache
