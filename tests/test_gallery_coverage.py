"""Every public estimator appears in at least one gallery example that draws a figure.

An estimator counts as shown when its class name appears as a word in an
``examples/**/plot_*.py`` script that uses matplotlib (sphinx-gallery turns
the figures it draws into the example's images and thumbnail).
"""

import re
from pathlib import Path

import pytest

from skdl.utils import all_estimators

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "examples").glob("**/plot_*.py"))


def _scripts_with_figures():
    texts = {path: path.read_text(encoding="utf-8") for path in SCRIPTS}
    return {path: text for path, text in texts.items() if "matplotlib" in text}


def test_gallery_has_scripts():
    assert SCRIPTS, "no examples/**/plot_*.py scripts found"
    assert all((path.parent / "README.rst").exists() for path in SCRIPTS), "every gallery folder needs a README.rst"


@pytest.mark.parametrize("name", [name for name, _ in all_estimators()])
def test_estimator_has_a_gallery_example(name):
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    shown_in = [path for path, text in _scripts_with_figures().items() if pattern.search(text)]
    assert shown_in, (
        f"{name} appears in no gallery example with a figure: add examples/<family>/plot_*.py "
        "that uses it and draws with matplotlib"
    )
