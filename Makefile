# Every target sets itself up: a .venv with the project installed editable with its dev extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test docs bench lint schema clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/adsim $(ARGS)

# The suite includes building the documentation site with warnings as errors
# (tests/unit/test_docs.py: mkdocs build --strict into a temporary folder).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The documentation site at http://127.0.0.1:8000, rebuilt on every change.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

schema: $(STAMP)
	$(BIN)/python -m simulator.contract.schema --write

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
