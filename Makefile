# Two commands on a fresh machine: `make run` (app) and `make test` (whole suite).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UNQA := $(VENV)/bin/unqa
INDEX ?= data/index
PORT ?= 8501
HOST ?= 127.0.0.1
# Optional: a folder laid out like the UN's UNxml repositories; `make run UNXML=../shared/un-xml`
# adds its First Committee (disarmament) resolutions to the index.
UNXML ?=
PIP_QUIET := -q --disable-pip-version-check
STAMP := $(VENV)/.unqa-setup-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: setup run test test-deps lint eval eval-test bench ranker lexicon clean help

help:
	@echo "make run    set up .venv, build the index from corpus/ if missing or stale, serve the app on :$(PORT)"
	@echo "make test   set up .venv and test dependencies (chromium), run the whole suite"
	@echo "make setup  create/update .venv (idempotent); the CLI is then .venv/bin/unqa"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing unqa into $(VENV) (first time: a few minutes)"
	@$(PY) -m pip install $(PIP_QUIET) --upgrade pip 2>&1 | grep -v "is ignored" || true
	@set -o pipefail; $(PY) -m pip install $(PIP_QUIET) "torch==2.13.0" 2>&1 | grep -v "is ignored" || test $${PIPESTATUS[0]} -eq 0
	@set -o pipefail; $(PY) -m pip install $(PIP_QUIET) -e ".[test]" 2>&1 | grep -v "is ignored" || test $${PIPESTATUS[0]} -eq 0
	@rm -f $(VENV)/.unqa-setup-*
	@touch $@

run: setup
	@# exit 3 = index built, some documents skipped (listed above): the app still starts
	$(UNQA) ingest corpus $(if $(UNXML),$(UNXML) --subset first-committee,) --index $(INDEX) --if-stale || test $$? -eq 3
	$(UNQA) app --index $(INDEX) --port $(PORT) --host $(HOST)

test-deps:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test: setup test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# the reference runs were made with one encoder thread (thread count can move the third decimal)
eval: setup
	UNQA_THREADS=1 $(UNQA) eval --out eval/results --update-readme

eval-test: setup
	UNQA_THREADS=1 $(UNQA) eval --gold eval/gold_test.jsonl --out eval/results-test --conditions eval/conditions_test.yaml --update-readme

# the learned ranker and the abstention model, from the dev set and pairs mined from the corpus (never the blind set);
# the ranker also learns from the whole-corpus index when it is built (WHOLE_INDEX, see README "The whole corpus")
WHOLE_INDEX ?= data/index-all
ranker: setup
	UNQA_THREADS=1 $(UNQA) train ranker $(if $(wildcard $(WHOLE_INDEX)/manifest.json),--also-index $(WHOLE_INDEX))
	UNQA_THREADS=1 $(UNQA) train abstain

# the learned English->Chinese table and Chinese associations (committed in index/data/), from ../shared/un-xml
lexicon: setup
	$(UNQA) lexicon build $(or $(UNXML),../shared/un-xml) --sessions 75-80
	$(UNQA) lexicon assoc $(or $(UNXML),../shared/un-xml) --sessions 75-80 --include corpus

bench: setup
	$(UNQA) bench --out bench/results.json

clean:
	rm -rf $(VENV) data/index .pytest_cache
