"""The benchmark runner: every estimator has a workload and a smoke run works.

No timing is asserted here; figures come from running the runner itself.
"""

import sys
from pathlib import Path

import pytest

from skdl.utils import all_estimators

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import run as runner  # noqa: E402


def test_every_estimator_has_a_workload():
    covered = {name for workload in runner.discover_workloads() for name in workload.estimators}
    missing = sorted({name for name, _ in all_estimators()} - covered)
    assert not missing, f"estimators without a benchmark workload: {missing}"


def test_workload_names_are_unique():
    names = [workload.name for workload in runner.discover_workloads()]
    assert len(names) == len(set(names))


def test_quick_run_reports_both_sides(capsys):
    rows = runner.main(["--family", "cluster", "--quick", "--repeats", "1"])
    assert rows, "the cluster workloads did not run"
    for row in rows:
        assert row["skdl_s"] > 0 and row["peer_s"] > 0
        assert row["ratio"] == pytest.approx(row["skdl_s"] / row["peer_s"])
        assert row["rel_diff"] < 1e-5  # same init, same iterations: same inertia
    out = capsys.readouterr().out
    assert "| workload | skdl (s) | peer (s) | ratio skdl/peer |" in out
