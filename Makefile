# Two entry points, both self-installing on a fresh clone: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCENARIO ?= default
OUT ?= runs/$(SCENARIO)

.PHONY: setup run test lint bench bench-sweep clean wheel

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/find_python.sh
	@PY=$$(scripts/find_python.sh) || exit 1; \
	  [ -x $(PY) ] || $$PY -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: setup
	$(VENV)/bin/cislab run $(SCENARIO) --out $(OUT) --replace

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -W error -W default::PendingDeprecationWarning

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) benchmarks/run.py --table

bench-sweep: setup
	$(PY) benchmarks/sweep.py

clean:
	rm -rf $(VENV) runs .pytest_cache dist build

# The wheel a trainer installs (`pipx install dist/cislab-….whl`), smoke-tested in a clean venv.
wheel: setup
	@W=$$(mktemp -d) && bash scripts/wheel_smoke.sh $(PY) $$W && mkdir -p dist && cp $$W/dist/*.whl dist/
	@ls dist/cislab-*.whl
