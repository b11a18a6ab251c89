# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs skdl, runs the tour (python -m skdl --quick)
#   make test   creates .venv, installs skdl with its test and docs extras, runs the tests
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test docs docs-quick bench peer-tests install clean gpu-check gpu-wheels

# The prepared GPU check (benchmarks/gpu_check.py). A GPU host may have no .venv
# and no network: the check then runs with the python that holds CUDA torch and
# installs the wheels of .whl/ (make gpu-wheels, run where pip can download).
# DRY=1 runs the same script on the CPU with tiny data (the tests run it too).
DRY ?=
GPU_REPORT_DIR ?= gpu-report
GPU_PYTHON ?= $(if $(wildcard $(PY)),$(PY),$(PYTHON))
# Pure-Python (and scikit-learn's CPython 3.12) wheels skdl needs beyond the
# python of a CUDA torch image may lack; versions as `make install` installs them.
GPU_WHEELS := scikit-learn==1.9.1 skorch==1.4.0 imbalanced-learn==0.14.2 sklearn-compat==0.1.6 \
	skops==0.16.0 prettytable==3.19.0 wcwidth==0.9.5 narwhals==2.29.0
GPU_WHEEL_PLATFORMS := $(foreach tag,manylinux_2_28 manylinux_2_27 manylinux_2_17 manylinux2014,--platform $(tag)_x86_64)

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[test,docs]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m skdl --quick

# ruff first: a lint error fails in seconds, before the long test run.
test: install
	$(VENV)/bin/ruff check skdl tests benchmarks examples
	$(VENV)/bin/ruff format --check skdl tests benchmarks examples
	$(PY) -m pytest -n 2 --dist loadgroup

docs: install
	$(PY) -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html

docs-quick: install
	$(PY) -m sphinx -W --keep-going -b html -D plot_gallery=0 -d docs/_build/doctrees-quick docs docs/_build/html-quick

bench: install
	$(PY) benchmarks/run.py

# scikit-learn's own test modules run against skdl's classes (drop-in parity);
# MODULE=cluster (or linear_model, svm, tree, ensemble) runs one of them.
peer-tests: install
	$(PY) benchmarks/peer_tests.py --report-dir peer-report --list-failing $(if $(MODULE),--module $(MODULE))

gpu-check: $(if $(DRY),install,)
	GPU_REPORT_DIR=$(GPU_REPORT_DIR) $(GPU_PYTHON) benchmarks/gpu_check.py $(if $(DRY),--dry,)

gpu-wheels:
	rm -rf .whl
	$(PYTHON) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		--python-version 3.12 --implementation cp $(GPU_WHEEL_PLATFORMS) -d .whl $(GPU_WHEELS)

clean:
	rm -rf $(VENV) docs/_build docs/auto_examples docs/generated
