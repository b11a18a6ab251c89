"""Test configuration: GPU tests skip cleanly when CUDA is absent."""

import os

# scikit-learn's check_array_api_input skips itself unless this is set; with it
# the check runs (with NumPy inputs) instead of being skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import pytest  # noqa: E402
import torch  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip_gpu = pytest.mark.skip(reason="needs a CUDA device; none is available here")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip_gpu)


def pytest_ignore_collect(collection_path, config):
    # --doctest-modules would import every conftest.py as a module named
    # "conftest"; with two of them in test folders without __init__.py (nn,
    # inspection) that is an "import file mismatch". They hold fixtures, not
    # doctests, and pytest still loads them as conftests.
    if collection_path.name == "conftest.py":
        return True
    return None
