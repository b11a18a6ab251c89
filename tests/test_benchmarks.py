"""The benchmark runner: every estimator has a workload and a smoke run works.

No timing is asserted here; figures come from running the runner itself.
"""

import json
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


def test_json_output_parses(tmp_path):
    path = tmp_path / "rows.json"
    rows = runner.main(["--family", "cluster", "--quick", "--repeats", "1", "--json", str(path)])
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["environment"]["quick"] is True
    assert [r["workload"] for r in written["rows"]] == [r["workload"] for r in rows]
    assert all(r["ratio"] == pytest.approx(r["skdl_s"] / r["peer_s"]) for r in written["rows"])


def test_scaling_curve_has_one_row_per_size(tmp_path):
    import scaling

    path = tmp_path / "scaling.json"
    scaling.main(["--family", "tree", "--quick", "--json", str(path)])
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    assert [r["n_samples"] for r in rows] == list(scaling.CURVES["tree"][-1])
    assert {r["family"] for r in rows} == {"tree"} and all(r["skdl_s"] > 0 for r in rows)
    assert all(r["rel_diff"] == 0 for r in rows)  # the same tree: the same training accuracy


def test_scaling_results_cover_every_curve():
    # The gallery's scaling figure is drawn from this committed file.
    rows = json.loads((BENCHMARKS / "results" / "scaling.json").read_text(encoding="utf-8"))["rows"]
    import scaling

    for family, curve in scaling.CURVES.items():
        assert [r["n_samples"] for r in rows if r["family"] == family] == list(curve[-1]), family
