# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs skdl, runs the tour (python -m skdl --quick)
#   make test   creates .venv, installs skdl with its test and docs extras, runs the tests
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test docs docs-quick bench peer-tests install clean

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

clean:
	rm -rf $(VENV) docs/_build docs/auto_examples docs/generated
