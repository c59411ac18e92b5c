# EventHub — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app eventhub
PYTEST_ARGS ?=

.PHONY: run test lint bench translations extract-messages install install-dev clean

# The virtualenv, then one stamp per requirements file: a requirements change reinstalls,
# also in a .venv made by an older checkout.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "EventHub needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV). On Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d eventhub/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o eventhub/translations/messages.pot .
	$(BIN)/pybabel update -i eventhub/translations/messages.pot -d eventhub/translations --no-fuzzy-matching

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	HOST=$(HOST) $(BIN)/honcho start --procfile Procfile --port $(PORT)

test: install-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev translations
	@set -e; found=; for script in bench/bench_*.py; do \
	  [ -e "$$script" ] || continue; found=1; echo "== $$script"; $(BIN)/python $$script; \
	done; [ -n "$$found" ] || echo "No benchmarks yet (bench/bench_*.py)."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
