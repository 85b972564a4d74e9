# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make demo   builds .venv and runs the hub with demo data
#   make test   builds .venv and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp names the lock's checksum, so a changed lock or pyproject rebuilds the environment.
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DATA ?= var/demo

.PHONY: venv demo test lint lock messages bench clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

demo: venv
	SATUPINTU_DATA_DIR=$(DEMO_DATA) $(BIN)/satupintu demo

# pytest exits 5 when it collects no test: that is not a failure. Tests keep their secrets and SQLite
# files in a fresh temporary folder, out of the working tree.
test: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SATUPINTU_DATA_DIR=$$(mktemp -d) $(BIN)/pytest || [ $$? -eq 5 ]

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
# Refresh the Indonesian translations after changing interface text (needs GNU gettext); the compiled
# .mo is committed so that a fresh clone needs no gettext.
messages: venv
	cd src/satupintu && DJANGO_SETTINGS_MODULE=satupintu.hub.settings SATUPINTU_DATA_DIR=$$(mktemp -d) \
		$(CURDIR)/$(BIN)/django-admin makemessages -l id && \
		DJANGO_SETTINGS_MODULE=satupintu.hub.settings SATUPINTU_DATA_DIR=$$(mktemp -d) \
		$(CURDIR)/$(BIN)/django-admin compilemessages

lock: venv
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --extra bench --python-version 3.11 -o requirements.lock

bench: venv
	$(BIN)/python bench/aggregate.py --accounts 100000

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
