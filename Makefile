# The two commands README promises: `make run` and `make test`. Each creates or refreshes
# .venv from pyproject.toml first, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench fuzz clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# `make run PORT=8080` serves on another port; ADDRESS=0.0.0.0 listens beyond this machine.
run: $(STAMP)
	$(BIN)/dpia app $(if $(PORT),--port $(PORT)) $(if $(ADDRESS),--address $(ADDRESS))

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# 1,000 mutated inputs on each of ten surfaces (tests/test_fuzz_surfaces.py), then the tally:
# accepted, refused with a clear message, tracebacks, over the time or memory limit.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(or $(EXAMPLES),1000) $(BIN)/python -m pytest tests/test_fuzz_surfaces.py -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
