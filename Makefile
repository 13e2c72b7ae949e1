# Quick start:  make run   (set up and start the kiosk)
#               make test  (set up and run every test)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Tests run on Qt's offscreen platform, inside a virtual X server so the few tests that need a
# real one (marked `xvfb`) can start the kiosk there.
XVFB := xvfb-run -a -s "-screen 0 1920x1080x24"
PY_DIRS := kiosk tests $(wildcard benchmarks)
# The program's own words per language (gettext): each .po is compiled to a .mo by the set-up.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard kiosk/locale/*/LC_MESSAGES/kiosk.po))
# How the code marks a message: N_("...") where it is defined, words.tr("...") and
# words.tr_plural("...", "...", n) where it is shown.
BABEL_KEYWORDS := --no-default-keywords -k N_ -k tr -k tr_plural:1,2

# The clinic's python3 runs the kiosk: 3.11 on Debian 12, 3.13 on Debian 13. `make test` uses
# this machine's; `make test-other-pythons` (CI runs it too) runs every test again with each of
# these versions that is installed, in its own .venv-3.X.
OTHER_PYTHONS ?= 3.13

.PHONY: run test test-other-pythons lint format setup system-packages screenshots bench clean messages

run: setup
	$(BIN)/kiosk $(ARGS)

test: setup
	QT_QPA_PLATFORM=offscreen $(XVFB) $(BIN)/python -m pytest $(PYTEST_ARGS)

test-other-pythons: setup
	bash .ci/other-pythons $(OTHER_PYTHONS)

lint: setup
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix $(PY_DIRS)
	$(BIN)/ruff format $(PY_DIRS)

setup: system-packages $(STAMP) $(CATALOGUES)
	@# Bytecode ahead of time: the kiosk then starts without compiling its own modules, even
	@# where the source folder is read-only to the kiosk's user (or PYTHONDONTWRITEBYTECODE).
	@$(BIN)/python -m compileall -q kiosk

system-packages:
	@bash .ci/system-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

kiosk/locale/%/LC_MESSAGES/kiosk.mo: kiosk/locale/%/LC_MESSAGES/kiosk.po $(STAMP)
	$(BIN)/pybabel compile --domain kiosk --input-file $< --output-file $@

# After adding or changing a message in the code: collect them all into kiosk/locale/kiosk.pot
# and bring every language's .po up to date (then translate what is new; make test says what).
messages: $(STAMP)
	$(BIN)/pybabel extract $(BABEL_KEYWORDS) --no-location --sort-output --no-wrap \
		--output-file kiosk/locale/kiosk.pot kiosk
	$(BIN)/pybabel update --domain kiosk --input-file kiosk/locale/kiosk.pot \
		--output-dir kiosk/locale --no-fuzzy-matching --ignore-obsolete --no-wrap

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/kiosk screenshots shots --size 1024x600 --size 1920x1080 --size 1080x1920

# Each benchmark prints one JSON line; they start their own virtual X server when needed.
bench: setup
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/form.py
	$(BIN)/python benchmarks/staff.py
	$(BIN)/python benchmarks/inbox.py
	$(BIN)/python benchmarks/language.py

clean:
	rm -rf $(VENV) $(addprefix .venv-,$(OTHER_PYTHONS)) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache shots $(CATALOGUES)
