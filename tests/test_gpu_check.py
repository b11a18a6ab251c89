"""The prepared GPU check (benchmarks/gpu_check.py) and its dry run on the CPU.

The dry run is the same script end to end with ``device="cpu"`` and tiny
data, so the check cannot rot between the runs on a GPU machine. No timing is
asserted; the figures are the script's report.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from skdl._device import resolve_device

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import gpu_check  # noqa: E402
import run as runner  # noqa: E402

# The families the GPU check must cover (one check row or more each).
FAMILIES = [
    "KMeans",
    "LogisticRegression(solver='lbfgs')",
    "LogisticRegression(solver='newton')",
    "LogisticRegression(solver='proximal')",
    "LogisticRegression(solver='sgd')",
    "LinearSVC",
    "SVC",
    "DecisionTreeClassifier(splitter='hist')",
    "DecisionTreeRegressor(splitter='hist')",
    "AdaBoostClassifier",
    "SMOTE",
    "BorderlineSMOTE",
    "EasyEnsembleClassifier",
    "BalanceCascadeClassifier",
    "MLPClassifier",
    "CNNClassifier",
]


@pytest.fixture(scope="module")
def dry_report(tmp_path_factory):
    """Run ``python benchmarks/gpu_check.py --dry`` once, as ``make gpu-check DRY=1`` does."""
    report_dir = tmp_path_factory.mktemp("gpu-report")
    env = dict(os.environ, GPU_REPORT_DIR=str(report_dir), CUDA_VISIBLE_DEVICES="")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--dry"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    report = json.loads((report_dir / "report.json").read_text())
    return report, (report_dir / "report.md").read_text()


@pytest.mark.xdist_group("gpu_check_dry_run")  # one dry run for the three, under make test
def test_dry_run_passes_and_covers_every_family(dry_report):
    report, _ = dry_report
    assert report["dry"] and report["passed"]
    names = [row["estimator"] for row in report["checks"]]
    for family in FAMILIES:
        assert any(name.startswith(family) for name in names), f"no check of {family}"
    for row in report["checks"]:
        assert "error" not in row, row
        assert row["agrees_with_cpu"] and row["reproducible"] and row["memory_ok"]
        assert row["peak_bytes"] is None  # no GPU memory on the CPU
        assert row["pickle"] in ("same labels",) or row["pickle"].startswith("n/a")
    assert sum(row["pickle"] == "same labels" for row in report["checks"]) >= 12


@pytest.mark.xdist_group("gpu_check_dry_run")  # one dry run for the three, under make test
def test_dry_run_selects_and_skips_the_gpu_tests(dry_report):
    report, _ = dry_report
    tests = report["gpu_tests"]
    assert tests["ok"] and tests["returncode"] == 0
    assert tests["counts"]["skipped"] > 0 and "failed" not in tests["counts"]
    assert set(tests["files"]) == set(gpu_check.gpu_test_files())


@pytest.mark.xdist_group("gpu_check_dry_run")  # one dry run for the three, under make test
def test_dry_run_times_every_gpu_workload_against_its_peer(dry_report):
    report, markdown = dry_report
    rows = {row["workload"]: row for row in report["workloads"]}
    assert list(rows) == list(gpu_check.WORKLOADS)
    for name, row in rows.items():
        assert "error" not in row and "skipped" not in row, row
        assert row["rows"] <= gpu_check.DRY_ROWS
        assert row["skdl_s"] > 0 and row["peer_s"] > 0 and np.isfinite(row["rel_diff"])
        assert row["device"] == "cpu"
        assert f"| {name} |" in markdown
    assert rows["kmeans_2M_x64_gpu"]["skdl_predict_s"] > 0
    for heading in ("## gpu-marked tests", "## Estimator checks", "## Workloads"):
        assert heading in markdown


def test_gpu_workloads_come_from_the_benchmark_registry():
    registry = {workload.name: workload for workload in runner.discover_workloads()}
    assert set(gpu_check.WORKLOADS) <= set(registry)
    needs_cuda = {name for name, workload in registry.items() if workload.needs_cuda}
    assert needs_cuda <= set(gpu_check.WORKLOADS), "a GPU workload of the registry is not in the GPU check"
    assert set(gpu_check.QUALITY_TOLERANCE) == set(gpu_check.WORKLOADS)


def test_shrink_cuts_arrays_of_the_same_length_alike():
    data = {"X": np.arange(20).reshape(10, 2), "y": np.arange(10), "init": np.zeros((3, 2)), "quick": True}
    small = gpu_check.shrink(data, 4)
    np.testing.assert_array_equal(small["X"], data["X"][:4])
    np.testing.assert_array_equal(small["y"], data["y"][:4])
    assert small["init"].shape == (3, 2) and small["quick"] is True


def test_row_fractions_follow_the_budget():
    names = list(gpu_check.WORKLOADS)
    total = sum(gpu_check.WORKLOADS[name][0] for name in names)
    assert gpu_check.row_fractions(2 * total, names) == dict.fromkeys(names, 1.0)
    quarter = gpu_check.row_fractions(total / 4, names)
    assert quarter["kmeans_2M_x64_gpu"] == pytest.approx(0.25)
    # SVC's time grows with the square of the rows: a quarter of the time, half the rows.
    assert quarter["svc_rbf_binary_100k_x20_gpu"] == pytest.approx(0.5)
    assert gpu_check.row_fractions(-5, names) == dict.fromkeys(names, 0.0)


def test_missing_distributions_names_absent_and_old_ones():
    missing = gpu_check.missing_distributions({"numpy": "1.0", "not-a-distribution-x1": "1.0", "scikit-learn": "999"})
    assert missing[0] == "not-a-distribution-x1 (absent)"
    assert missing[1].startswith("scikit-learn (") and missing[1].endswith("< 999)")
    assert len(missing) == 2
    assert gpu_check.missing_distributions() == []  # this environment has all of skdl's needs


def test_ensure_packages_without_wheels_says_how_to_get_them(monkeypatch, tmp_path):
    monkeypatch.setitem(gpu_check.REQUIRED, "not-a-distribution-x1", "1.0")
    with pytest.raises(SystemExit, match="make gpu-wheels"):
        gpu_check.ensure_packages(tmp_path, tmp_path / "site")


def _write_wheel(folder, name, version):
    """A minimal pure-Python wheel holding one module ``<name>.py``."""
    dist_info = f"{name}-{version}.dist-info"
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(f"{name}.py", "ANSWER = 42\n")
        wheel.writestr(f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        wheel.writestr(
            f"{dist_info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr(f"{dist_info}/RECORD", "")
    return path


def test_ensure_packages_installs_the_wheels_offline(monkeypatch, tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _write_wheel(wheels, "skdl_gpu_probe", "1.2.0")
    monkeypatch.setitem(gpu_check.REQUIRED, "skdl_gpu_probe", "1.1")
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("PYTHONPATH", "")
    installed = gpu_check.ensure_packages(wheels, tmp_path / "site")
    assert installed == ["skdl_gpu_probe-1.2.0-py3-none-any.whl"]
    assert (tmp_path / "site" / "skdl_gpu_probe.py").exists()
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(tmp_path / "site")
    assert gpu_check.missing_distributions({"skdl_gpu_probe": "1.1"}) == []


def test_a_cuda_index_that_does_not_exist_names_the_devices_that_do(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=None: "NVIDIA H100 80GB HBM3")
    with pytest.raises(ValueError, match=r"device='cuda:7'.*1 CUDA device.*'cuda:0' \(NVIDIA H100 80GB HBM3\)"):
        resolve_device("cuda:7")


def test_workload_targets_are_judged_on_a_gpu_run_only():
    row = {"quality_ok": True, "speed_ok": False, "predict_ok": True}
    assert gpu_check.workload_ok(row, dry=True)
    assert not gpu_check.workload_ok(row, dry=False)
    assert gpu_check.workload_ok(dict(row, speed_ok=None), dry=False)  # no speed target
    assert not gpu_check.workload_ok(dict(row, speed_ok=True, predict_ok=False), dry=False)
    assert not gpu_check.workload_ok({"error": "Traceback"}, dry=True)
    assert gpu_check.workload_ok({"skipped": "the budget was spent"}, dry=False)


def test_quality_is_a_relative_difference_or_a_floor():
    assert gpu_check.quality_ok("kmeans_2M_x64_gpu", 100.0, 5e-5)
    assert not gpu_check.quality_ok("kmeans_2M_x64_gpu", 100.0, 5e-4)
    assert gpu_check.quality_ok("cnn_digits_gridsearch", 0.985, 0.5)
    assert not gpu_check.quality_ok("cnn_digits_gridsearch", 0.97, 0.0)
