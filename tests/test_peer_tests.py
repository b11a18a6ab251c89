"""The peer-test harness rewrites a test module so names rebind after imports."""

import importlib.util
import json
import sys
import types
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import peer_tests  # noqa: E402

SOURCE = '''"""doc"""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn import cluster

TABLE = {"km": KMeans}

from sklearn.cluster import KMeans as LateKMeans
'''


def _load(source, monkeypatch, variant):
    monkeypatch.setenv("SKDL_PEER_VARIANT", variant)
    monkeypatch.setenv("SKDL_PEER_MAPPING", json.dumps({"KMeans": "skdl.cluster.KMeans"}))
    monkeypatch.setenv("SKDL_PEER_RAISING", ",".join(peer_tests.RAISING_METHODS))
    module = types.ModuleType("rewritten")
    exec(compile(peer_tests.rewrite_module(source), "rewritten", "exec"), module.__dict__)
    return module


def test_rewritten_module_still_parses_and_keeps_future_import_first():
    rewritten = peer_tests.rewrite_module(SOURCE)
    first_statement = [line for line in rewritten.splitlines() if line and not line.startswith('"')][0]
    assert first_statement == "from __future__ import annotations"
    assert rewritten.count("_peer_rebind(globals())") == 2


@pytest.mark.parametrize("variant", ["sklearn", "raising", "skdl"])
def test_names_module_aliases_and_module_level_tables_are_rebound(monkeypatch, variant):
    import sklearn.cluster

    import skdl.cluster

    module = _load(SOURCE, monkeypatch, variant)
    if variant == "sklearn":
        assert module.KMeans is sklearn.cluster.KMeans
    elif variant == "skdl":
        assert module.KMeans is skdl.cluster.KMeans
    else:
        assert issubclass(module.KMeans, sklearn.cluster.KMeans)
        with pytest.raises(RuntimeError, match="disabled"):
            module.KMeans().fit([[0.0], [1.0]])
    # the alias module, the table built after the imports and a later import agree
    assert module.cluster.KMeans is module.KMeans
    assert module.TABLE["km"] is module.KMeans
    assert module.LateKMeans is module.KMeans
    # scikit-learn's own module is left alone
    assert sklearn.cluster.KMeans.__module__.startswith("sklearn.")


def test_every_registered_module_exists():
    for module_name, mapping in peer_tests.MODULES.values():
        assert importlib.util.find_spec(module_name) is not None
        for class_path in mapping.values():
            module_path, _, class_name = class_path.rpartition(".")
            assert hasattr(importlib.import_module(module_path), class_name)
