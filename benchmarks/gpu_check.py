"""One prepared GPU check: every CUDA route of skdl exercised in one command.

On a machine with a CUDA GPU, in this order:

1. installs the wheels of ``.whl/`` (``make gpu-wheels``) into a private
   folder when a package skdl needs is missing or too old (a GPU host may
   have no network access);
2. runs every ``gpu``-marked test (``pytest -m gpu``);
3. per estimator family: fits on the GPU and on the CPU and compares the
   predictions within the tolerance of :data:`CHECKS`; fits twice on the GPU
   with the same ``random_state`` and requires identical outputs; pickles the
   GPU model, loads it in a subprocess that sees no GPU
   (``CUDA_VISIBLE_DEVICES=""``) and requires the same labels; records the
   peak GPU memory of the fit and compares it with the bound of the device
   guide (the data times :data:`MEMORY_DATA_FACTOR` plus scikit-learn's
   ``working_memory``);
4. times the GPU workloads of the benchmark runner (``benchmarks/run.py``'s
   registry: :data:`WORKLOADS`) against their scikit-learn /
   imbalanced-learn peer on this machine's CPU cores, fit and predict;
5. writes ``report.md`` and ``report.json`` into ``$GPU_REPORT_DIR``
   (default ``gpu-report/``) and exits non-zero when anything failed.

``--budget-s`` (default 420 s, the whole run) shrinks the workloads' data so
the run fits; ``--dry`` runs the same code paths on the CPU with tiny data
(the CI smoke run, under a minute).

Usage::

    python benchmarks/gpu_check.py              # on the GPU machine (make gpu-check)
    python benchmarks/gpu_check.py --dry        # anywhere (make gpu-check DRY=1)
    python benchmarks/gpu_check.py --budget-s 240
"""

import argparse
import dataclasses
import glob
import importlib
import importlib.metadata
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# What skdl needs beyond what a CUDA torch image usually holds (torch, numpy,
# scipy, numba, pytest, ...): distribution name -> lowest version accepted.
# `make gpu-wheels` downloads these (and their own needs) into .whl/.
REQUIRED = {
    "scikit-learn": "1.8",
    "skorch": "1.0",
    "imbalanced-learn": "0.13",
    "sklearn-compat": "0.1.6",
    "skops": "0.10",
    "prettytable": "3.9",
    "narwhals": "2.0.1",
}

# The GPU workloads of the benchmark runner, and a guess of the seconds each
# takes at full size on the GPU machine (data, warm-up, skdl fit, peer fit,
# predictions) with the exponent of its growth in the number of rows. The
# budget shares the remaining time out in proportion to these guesses; replace
# them with the seconds a real run writes into report.json.
WORKLOADS = {
    "kmeans_2M_x64_gpu": (20.0, 1.0),
    "logreg_lbfgs_1M_x200_gpu": (80.0, 1.0),
    "svc_rbf_binary_100k_x20_gpu": (300.0, 2.0),
    "smote_1M_x20_gpu": (15.0, 1.0),
    "tree_reg_friedman1_1m_hist_gpu": (90.0, 1.1),
    "cnn_digits_gridsearch": (60.0, 1.0),
}

# A workload's quality figure must equal its peer's within this relative
# difference (the targets of the benchmark registry); a pair ("min", value)
# asks for skdl's figure to reach the value instead (the CNN search is
# compared with a different model, scikit-learn's MLP).
QUALITY_TOLERANCE = {
    "kmeans_2M_x64_gpu": 1e-4,
    "logreg_lbfgs_1M_x200_gpu": 1e-6,
    "svc_rbf_binary_100k_x20_gpu": 1e-4,
    "smote_1M_x20_gpu": 1e-6,
    "tree_reg_friedman1_1m_hist_gpu": 0.012,
    "cnn_digits_gridsearch": ("min", 0.98),
}
# The workloads whose GPU fit must be at least 10 times faster than the peer.
SPEED_TARGET_RATIO = 0.1
SPEED_TARGETS = (
    "kmeans_2M_x64_gpu",
    "logreg_lbfgs_1M_x200_gpu",
    "svc_rbf_binary_100k_x20_gpu",
    "smote_1M_x20_gpu",
    "tree_reg_friedman1_1m_hist_gpu",
)
PREDICT_ROWS = 100_000
DRY_ROWS = 150  # rows of every workload in the dry run

# Peak GPU memory bound of a fit: the device guide's "the data, the fitted
# attributes and one chunk of temporaries", with the data counted this many
# times (a copy on the device, a float copy, the chunk's own rows).
MEMORY_DATA_FACTOR = 4


# ---------------------------------------------------------------- packages


def _version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def missing_distributions(required=REQUIRED):
    """Distributions of ``required`` that are absent or older than asked.

    Parameters
    ----------
    required : dict
        Distribution name -> lowest accepted version (a string).

    Returns
    -------
    missing : list of str
        ``"name (found version)"`` or ``"name (absent)"``, one per problem.
    """
    missing = []
    for name, lowest in required.items():
        try:
            found = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(f"{name} (absent)")
            continue
        if _version_tuple(found) < _version_tuple(lowest):
            missing.append(f"{name} ({found} < {lowest})")
    return missing


def ensure_packages(wheel_dir, site_dir):
    """Install the wheels of ``wheel_dir`` into ``site_dir`` if anything is missing.

    A GPU host without network access cannot download: ``make gpu-wheels``
    fetched the wheels where pip can. ``site_dir`` goes first on ``sys.path`` and on
    ``PYTHONPATH`` (for the subprocesses), so its versions win.

    Parameters
    ----------
    wheel_dir, site_dir : pathlib.Path

    Returns
    -------
    installed : list of str
        The wheel files installed (empty when nothing was missing).
    """
    missing = missing_distributions()
    if not missing:
        return []
    wheels = sorted(glob.glob(str(wheel_dir / "*.whl")))
    if not wheels:
        raise SystemExit(
            f"missing: {', '.join(missing)}; and no wheels in {wheel_dir}. "
            "Run `make gpu-wheels` on a machine with network access first."
        )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--no-deps",
            "--no-compile",
            "--no-cache-dir",
            "--upgrade",
            "--target",
            str(site_dir),
            *wheels,
        ],
        check=True,
    )
    _prepend_path(site_dir)
    still_missing = missing_distributions()
    if still_missing:
        raise SystemExit(f"still missing after installing {wheel_dir}: {', '.join(still_missing)}")
    return [Path(wheel).name for wheel in wheels]


def _prepend_path(folder):
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    paths = [str(folder)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)


# ---------------------------------------------------------------- gpu tests


def gpu_test_files():
    """Test files that hold a ``gpu``-marked test, relative to the repository."""
    files = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if "mark.gpu" in path.read_text(encoding="utf-8"):
            files.append(str(path.relative_to(ROOT)))
    return files


def start_gpu_tests():
    """Start ``pytest -m gpu`` over the files that hold such tests.

    Only those files are collected, so a test module importing a package the
    GPU host lacks (and that no ``gpu`` test needs) cannot stop the run.
    The tests run in a subprocess while the estimator checks run (neither is
    timed against a peer); :func:`finish_gpu_tests` collects the result.
    """
    files = gpu_test_files()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "gpu",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--strict-markers",
            *files,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, files, time.perf_counter()


def finish_gpu_tests(started, dry):
    """Wait for :func:`start_gpu_tests`' run and summarise it.

    On a machine without CUDA every selected test is skipped, which is what
    the dry run expects; on a GPU every one must pass.
    """
    process, files, start = started
    output, _ = process.communicate()
    counts = {
        word: int(number) for number, word in re.findall(r"(\d+) (passed|failed|skipped|errors?|deselected)", output)
    }
    expected_outcome = "skipped" if dry else "passed"
    ok = process.returncode == 0 and counts.get(expected_outcome, 0) > 0
    return {
        "files": files,
        "returncode": process.returncode,
        "counts": counts,
        "seconds": time.perf_counter() - start,
        "ok": ok,
        "output_tail": output[-4000:],
    }


# ---------------------------------------------------------------- estimator checks


@dataclasses.dataclass(frozen=True)
class EstimatorCheck:
    """One estimator configuration checked on the device against the CPU.

    Parameters
    ----------
    name : str
        Row name of the report.
    make : callable
        ``make(device) -> unfitted estimator``.
    data : str
        Key of :func:`make_check_data`.
    min_agreement : float
        Share of labels (of the training rows) the device model must predict
        as the CPU model does; 1.0 means identical.
    rtol : float or None
        For regressors and samplers: relative tolerance of the outputs.
    bound_by : str
        The parameter that bounds the fit's memory (named in the report).
    """

    name: str
    make: object
    data: str
    min_agreement: float = 1.0
    rtol: object = None
    bound_by: str = "working_memory"


def _estimators():
    # Imported late: ensure_packages may have to install skdl's needs first.
    from skdl.cluster import KMeans
    from skdl.ensemble import AdaBoostClassifier, BalanceCascadeClassifier, EasyEnsembleClassifier
    from skdl.linear_model import LogisticRegression
    from skdl.nn import CNNClassifier, MLPClassifier
    from skdl.over_sampling import SMOTE, BorderlineSMOTE
    from skdl.svm import SVC, LinearSVC
    from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor

    def stumps(device, n_estimators=10):
        stump = DecisionTreeClassifier(max_depth=1, splitter="hist", random_state=0, device=device)
        return AdaBoostClassifier(stump, n_estimators=n_estimators, random_state=0)

    net = {"max_epochs": 10, "batch_size": 64, "learning_rate": 0.01, "random_state": 0}
    return [
        EstimatorCheck("KMeans", lambda d: KMeans(8, n_init=1, random_state=0, device=d), "blobs"),
        *[
            EstimatorCheck(
                f"LogisticRegression(solver={solver!r})",
                lambda d, s=solver: LogisticRegression(solver=s, random_state=0, max_iter=200, device=d),
                "classification",
                min_agreement=0.999,
            )
            for solver in ("lbfgs", "newton", "proximal", "sgd")
        ],
        EstimatorCheck(
            "LinearSVC", lambda d: LinearSVC(random_state=0, device=d), "classification", min_agreement=0.999
        ),
        EstimatorCheck(
            "SVC (blocked route)",
            lambda d: SVC(random_state=0, device=d),
            "classification",
            min_agreement=0.995,
            bound_by="cache_size",
        ),
        EstimatorCheck(
            "DecisionTreeClassifier(splitter='hist')",
            lambda d: DecisionTreeClassifier(splitter="hist", random_state=0, device=d),
            "classification",
        ),
        EstimatorCheck(
            "DecisionTreeRegressor(splitter='hist')",
            lambda d: DecisionTreeRegressor(splitter="hist", random_state=0, device=d),
            "regression",
            rtol=1e-9,
        ),
        EstimatorCheck("AdaBoostClassifier(hist stumps)", stumps, "classification"),
        EstimatorCheck("SMOTE", lambda d: SMOTE(random_state=0, device=d), "imbalanced", rtol=1e-6),
        EstimatorCheck("BorderlineSMOTE", lambda d: BorderlineSMOTE(random_state=0, device=d), "imbalanced", rtol=1e-6),
        EstimatorCheck(
            "EasyEnsembleClassifier", lambda d: EasyEnsembleClassifier(3, stumps(d, 5), random_state=0), "imbalanced"
        ),
        EstimatorCheck(
            "BalanceCascadeClassifier",
            lambda d: BalanceCascadeClassifier(3, stumps(d, 5), n_boost=5, random_state=0),
            "imbalanced",
        ),
        EstimatorCheck(
            "MLPClassifier",
            lambda d: MLPClassifier(hidden_layer_sizes=(32,), device=d, **net),
            "classification",
            min_agreement=0.95,
            bound_by="batch_size",
        ),
        EstimatorCheck(
            "CNNClassifier",
            lambda d: CNNClassifier(input_shape=(1, 8, 8), width=8, depth=1, device=d, **net),
            "images",
            min_agreement=0.95,
            bound_by="batch_size",
        ),
    ]


def make_check_data(kind, n_samples):
    """The data sets of the estimator checks: ``(X, y)``, float32 for the nets."""
    import numpy as np
    from sklearn.datasets import load_digits, make_blobs, make_classification, make_regression

    if kind == "blobs":
        X, y = make_blobs(n_samples, 16, centers=8, random_state=0)
    elif kind == "classification":
        X, y = make_classification(n_samples, 20, n_informative=10, random_state=0)
    elif kind == "regression":
        X, y = make_regression(n_samples, 20, noise=1.0, random_state=0)
    elif kind == "imbalanced":
        X, y = make_classification(n_samples, 20, weights=[0.9], random_state=0)
    else:  # images: the 8 x 8 digits, flattened
        X, y = load_digits(return_X_y=True)
        X, y = X[:n_samples] / 16.0, y[:n_samples]
    if kind in ("images",):
        return X.astype(np.float32), y
    return X, y


def _outputs(model, X, y):
    """What a fitted model produces: resampled data for samplers, else predictions."""
    if hasattr(model, "fit_resample"):
        return model.fit_resample(X, y)
    outputs = [model.predict(X)]
    for method in ("decision_function", "predict_proba"):
        if hasattr(model, method):
            outputs.append(getattr(model, method)(X))
            break
    return tuple(outputs)


def _fit(estimator, X, y):
    if hasattr(estimator, "fit_resample"):
        return estimator  # a sampler's work is fit_resample, done by _outputs
    return estimator.fit(X, y)


def _identical(a, b):
    import numpy as np

    return len(a) == len(b) and all(np.array_equal(np.asarray(x), np.asarray(z)) for x, z in zip(a, b))


def _agrees(check, device_out, cpu_out):
    """``(ok, figure)``: the device outputs against the CPU outputs."""
    import numpy as np

    first_device, first_cpu = np.asarray(device_out[0]), np.asarray(cpu_out[0])
    if check.rtol is not None:
        scale = max(float(np.abs(first_cpu).max()), 1e-300)
        same_shape = all(np.shape(a) == np.shape(b) for a, b in zip(device_out, cpu_out))
        if not same_shape:
            return False, float("inf")
        diff = (
            max(float(np.abs(np.asarray(a, float) - np.asarray(b, float)).max()) for a, b in zip(device_out, cpu_out))
            / scale
        )
        return diff <= check.rtol, diff
    agreement = float(np.mean(first_device == first_cpu))
    return agreement >= check.min_agreement, agreement


def _peak_memory(device):
    import torch

    return torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None


def _reset_peak_memory(device):
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)


def _memory_bound(X):
    import sklearn

    return MEMORY_DATA_FACTOR * X.nbytes + sklearn.get_config()["working_memory"] * 2**20


def run_estimator_checks(device, n_samples, work_dir):
    """Fit every :data:`CHECKS` entry on ``device`` and on the CPU; compare.

    Returns one row (dict) per check. The pickles of the device models are
    written to ``work_dir`` for :func:`check_pickles_without_gpu`.
    """
    import torch

    rows = []
    for index, check in enumerate(_estimators()):
        row = {"estimator": check.name, "bound_by": check.bound_by}
        check_start = time.perf_counter()
        try:
            X, y = make_check_data(check.data, n_samples)
            cpu_out = _outputs(_fit(check.make("cpu"), X, y), X, y)
            _reset_peak_memory(device)
            start = time.perf_counter()
            first = _fit(check.make(str(device)), X, y)
            first_out = _outputs(first, X, y)
            row["device_fit_s"] = time.perf_counter() - start
            peak = _peak_memory(device)
            second_out = _outputs(_fit(check.make(str(device)), X, y), X, y)
            row["agrees_with_cpu"], row["cpu_figure"] = _agrees(check, first_out, cpu_out)
            row["tolerance"] = check.rtol if check.rtol is not None else check.min_agreement
            row["reproducible"] = _identical(first_out, second_out)
            row["peak_bytes"], row["bound_bytes"] = peak, _memory_bound(X)
            row["memory_ok"] = peak is None or peak <= row["bound_bytes"]
            if hasattr(first, "fit_resample"):
                row["pickle"] = "n/a (a sampler has no fitted model to predict)"
            else:
                path = Path(work_dir) / f"model_{index}.pkl"
                with open(path, "wb") as file:
                    pickle.dump({"model": first, "X": X, "labels": first_out[0]}, file)
                row["pickle_path"] = str(path)
        except Exception:
            row["error"] = traceback.format_exc(limit=8)
        finally:
            if device.type == "cuda":
                torch.cuda.empty_cache()
        row["check_s"] = time.perf_counter() - check_start
        rows.append(row)
    return rows


# Loads each pickled model where no GPU is visible and says whether it
# predicts the labels it predicted on the device.
_PICKLE_CHILD = """
import json, pickle, sys, warnings
import numpy as np
import torch
assert not torch.cuda.is_available(), "CUDA_VISIBLE_DEVICES='' should hide the GPU"
results = {}
for path in sys.argv[1:]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the documented fallback to the CPU
            with open(path, "rb") as file:
                saved = pickle.load(file)
            labels = saved["model"].predict(saved["X"])
        results[path] = bool(np.array_equal(labels, saved["labels"]))
    except Exception as error:
        results[path] = f"{type(error).__name__}: {error}"
print(json.dumps(results))
"""


def check_pickles_without_gpu(rows):
    """Fill each row's ``pickle`` entry from one subprocess that sees no GPU."""
    paths = [row["pickle_path"] for row in rows if "pickle_path" in row]
    if not paths:
        return
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    completed = subprocess.run(
        [sys.executable, "-c", _PICKLE_CHILD, *paths], env=env, cwd=ROOT, capture_output=True, text=True
    )
    try:
        results = json.loads(completed.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        results = {path: f"subprocess failed: {completed.stderr[-500:]}" for path in paths}
    for row in rows:
        path = row.pop("pickle_path", None)
        if path is not None:
            row["pickle"] = "same labels" if results.get(path) is True else f"FAILED: {results.get(path)}"


def check_ok(row):
    """Whether an estimator check row passed every part."""
    return (
        "error" not in row
        and row["agrees_with_cpu"]
        and row["reproducible"]
        and row["memory_ok"]
        and (row["pickle"].startswith("n/a") or row["pickle"] == "same labels")
    )


# ---------------------------------------------------------------- workloads


def shrink(data, max_rows):
    """The first ``max_rows`` rows of every array of ``data`` longer than that.

    Arrays of the same length (X and y, X_test and its reference labels) are
    cut alike, so they still correspond; short arrays (a KMeans init) stay.
    """
    import numpy as np

    return {
        key: value[:max_rows] if isinstance(value, np.ndarray) and value.ndim and len(value) > max_rows else value
        for key, value in data.items()
    }


def row_fractions(seconds_left, names):
    """Share of each workload's rows that fits ``seconds_left`` (see WORKLOADS)."""
    total = sum(WORKLOADS[name][0] for name in names)
    factor = min(1.0, max(seconds_left, 0.0) / total) if total else 1.0
    return {name: min(1.0, factor ** (1.0 / WORKLOADS[name][1])) for name in names}


def _median_seconds(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _first_rows(data, n_rows):
    for key in ("X", "X_train"):
        if key in data:
            return data[key][:n_rows]
    return None


def measure_workload(workload, *, device, quick, max_rows):
    """Time one benchmark workload: skdl on ``device`` against its CPU peer.

    skdl fits once untimed first (CUDA context, numba compilation); the peer
    (no such one-off cost) is timed from its first fit. Both fit once timed,
    as ``benchmarks/run.py`` does with ``--repeats 1``. Predictions of up to
    ``PREDICT_ROWS`` training rows are timed too (median of three) where the
    workload's models predict.
    """
    import torch

    device = torch.device(device)
    data = workload.make_data(quick)
    if max_rows is not None:
        data = shrink(data, max_rows)
    workload.fit_skdl(data, str(device))  # warm-up
    _reset_peak_memory(device)
    start = time.perf_counter()
    skdl_model = workload.fit_skdl(data, str(device))
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    skdl_s = time.perf_counter() - start
    peak = _peak_memory(device)
    start = time.perf_counter()
    peer_model = workload.fit_peer(data)
    peer_s = time.perf_counter() - start
    skdl_q, peer_q = workload.quality(skdl_model, data), workload.quality(peer_model, data)
    rel_diff = abs(skdl_q - peer_q) / max(abs(peer_q), 1e-300)
    row = {
        "workload": workload.name,
        "rows": len(_first_rows(data, None)),
        "skdl_s": skdl_s,
        "peer_s": peer_s,
        "ratio": skdl_s / peer_s,
        "quality": workload.quality_name,
        "skdl_q": skdl_q,
        "peer_q": peer_q,
        "rel_diff": rel_diff,
        "quality_ok": quality_ok(workload.name, skdl_q, rel_diff),
        "speed_ok": skdl_s / peer_s <= SPEED_TARGET_RATIO if workload.name in SPEED_TARGETS else None,
        "peak_bytes": peak,
        "device": str(device),
        "target": workload.target,
    }
    rows = _first_rows(data, PREDICT_ROWS)
    if rows is not None and hasattr(skdl_model, "predict") and hasattr(peer_model, "predict"):
        skdl_model.predict(rows)  # warm-up
        row["predict_rows"] = len(rows)
        row["skdl_predict_s"] = _median_seconds(lambda: skdl_model.predict(rows), 3)
        row["peer_predict_s"] = _median_seconds(lambda: peer_model.predict(rows), 3)
        row["predict_ok"] = row["skdl_predict_s"] <= row["peer_predict_s"] or len(rows) < PREDICT_ROWS
    return row


def run_workloads(*, device, dry, deadline):
    """Run the :data:`WORKLOADS` of the benchmark registry within the deadline."""
    import torch

    sys.path.insert(0, str(HERE))
    from run import discover_workloads

    registry = {workload.name: workload for workload in discover_workloads()}
    unknown = sorted(set(WORKLOADS) - set(registry))
    if unknown:
        raise SystemExit(f"workloads not in the benchmark registry: {unknown}")
    fractions = row_fractions(deadline - time.perf_counter(), list(WORKLOADS))
    rows = []
    for name in WORKLOADS:
        workload = registry[name]
        if time.perf_counter() > deadline:
            rows.append({"workload": name, "skipped": "the budget was spent"})
            continue
        if dry:
            max_rows = DRY_ROWS
        else:
            full_rows = len(_first_rows(workload.make_data(True), None)) * 20  # quick is 1/20
            max_rows = max(1000, int(full_rows * fractions[name]))
        workload_start = time.perf_counter()
        try:
            rows.append(measure_workload(workload, device=device, quick=dry, max_rows=max_rows))
        except Exception:
            rows.append({"workload": name, "error": traceback.format_exc(limit=8)})
        finally:
            if torch.device(device).type == "cuda":
                torch.cuda.empty_cache()
        rows[-1]["workload_s"] = time.perf_counter() - workload_start
    return rows


def quality_ok(name, skdl_quality, rel_diff):
    """Whether a workload's quality figure meets :data:`QUALITY_TOLERANCE`."""
    tolerance = QUALITY_TOLERANCE[name]
    if isinstance(tolerance, tuple):
        return skdl_quality >= tolerance[1]
    return rel_diff <= tolerance


def workload_ok(row, dry):
    """Whether a workload row passed: it ran; on a GPU also quality and speed."""
    if "error" in row:
        return False
    if "skipped" in row or dry:
        return True
    return row["quality_ok"] and row["speed_ok"] is not False and row.get("predict_ok", True)


# ---------------------------------------------------------------- report


def _fmt(value, spec=".3g"):
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def _mib(value):
    return "n/a" if value is None else f"{value / 2**20:.0f}"


def format_markdown(report):
    """The report as Markdown: machine, gpu tests, estimator checks, workloads."""
    machine, tests = report["machine"], report["gpu_tests"]
    lines = [
        f"# skdl GPU check ({report['date']}, {'dry run on the CPU' if report['dry'] else 'GPU run'})",
        "",
        f"Machine: {machine['gpu']}, {machine['cpu_threads']} CPU threads; python {machine['python']}, "
        f"torch {machine['torch']}, scikit-learn {machine['sklearn']}. "
        f"Command: `{report['command']}`; {report['elapsed_s']:.0f} s in all. "
        f"Overall: {'PASSED' if report['passed'] else 'FAILED'}.",
        "",
        "## gpu-marked tests",
        "",
        f"`pytest -m gpu` over {len(tests['files'])} files: {tests['counts']} in {tests['seconds']:.0f} s "
        f"({'ok' if tests['ok'] else 'FAILED'}).",
        "",
        "## Estimator checks (device against CPU)",
        "",
        "| estimator | same as CPU (tolerance) | figure | reproducible | pickled, no GPU | peak MiB | bound MiB |"
        " bounded by |",
        "|---" * 8 + "|",
    ]
    for row in report["checks"]:
        if "error" in row:
            lines.append(f"| {row['estimator']} | ERROR: {row['error'].splitlines()[-1]} | | | | | | |")
            continue
        lines.append(
            f"| {row['estimator']} | {_fmt(row['agrees_with_cpu'])} ({row['tolerance']}) | "
            f"{_fmt(row['cpu_figure'])} | {_fmt(row['reproducible'])} | {row['pickle']} | "
            f"{_mib(row['peak_bytes'])} | {_mib(row['bound_bytes'])} | {row['bound_by']} |"
        )
    lines += [
        "",
        "## Workloads (skdl on the device, the peer on this machine's CPU)",
        "",
        "| workload | rows | skdl fit (s) | peer fit (s) | ratio | quality | skdl | peer | rel. diff |"
        " predict rows | skdl predict (s) | peer predict (s) | peak GPU MiB | target | met |",
        "|---" * 15 + "|",
    ]
    for row in report["workloads"]:
        if "error" in row or "skipped" in row:
            reason = row.get("skipped") or "ERROR: " + row["error"].splitlines()[-1]
            lines.append(f"| {row['workload']} | {reason} |" + " |" * 13)
            continue
        lines.append(
            f"| {row['workload']} | {row['rows']} | {row['skdl_s']:.3f} | {row['peer_s']:.3f} | "
            f"{row['ratio']:.3f} | {row['quality']} | {row['skdl_q']:.8g} | {row['peer_q']:.8g} | "
            f"{row['rel_diff']:.1e} | {_fmt(row.get('predict_rows'))} | {_fmt(row.get('skdl_predict_s'))} | "
            f"{_fmt(row.get('peer_predict_s'))} | {_mib(row['peak_bytes'])} | {row['target']} | "
            f"{_targets_met(row, report['dry'])} |"
        )
    return "\n".join(lines) + "\n"


def _targets_met(row, dry):
    if dry:
        return "not judged (dry run)"
    parts = [f"quality {_fmt(row['quality_ok'])}"]
    if row["speed_ok"] is not None:
        parts.append(f"speed {_fmt(row['speed_ok'])}")
    if "predict_ok" in row:
        parts.append(f"predict {_fmt(row['predict_ok'])}")
    return ", ".join(parts)


def _machine():
    import sklearn
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA device"
    return {
        "gpu": gpu,
        "cpu_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "platform": platform.platform(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dry", action="store_true", help="the same code paths on the CPU with tiny data (the CI smoke run)"
    )
    parser.add_argument(
        "--budget-s",
        type=float,
        default=420.0,
        help="seconds the whole run may take; the workloads shrink to fit (default 420)",
    )
    parser.add_argument(
        "--report-dir",
        default=os.environ.get("GPU_REPORT_DIR", "gpu-report"),
        help="where report.md and report.json go (default $GPU_REPORT_DIR or gpu-report/)",
    )
    parser.add_argument("--wheels", default=str(ROOT / ".whl"), help="wheels to install when packages are missing")
    parser.add_argument(
        "--site-dir",
        default=os.path.join(tempfile.gettempdir(), "skdl-gpu-site"),
        help="where those wheels are installed",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    deadline = started + args.budget_s

    installed = ensure_packages(Path(args.wheels), Path(args.site_dir))
    if str(ROOT) not in sys.path:  # skdl from this checkout, here and in the subprocesses
        _prepend_path(ROOT)
    import torch

    if not args.dry and not torch.cuda.is_available():
        raise SystemExit("no CUDA device: run with --dry (make gpu-check DRY=1) on a machine without one")
    device = torch.device("cpu" if args.dry else "cuda")
    gpu_tests_run = start_gpu_tests()
    try:
        with tempfile.TemporaryDirectory() as work_dir:
            checks = run_estimator_checks(device, DRY_ROWS if args.dry else 20_000, work_dir)
            check_pickles_without_gpu(checks)
    except BaseException:
        gpu_tests_run[0].kill()
        raise
    print(
        f"estimator checks: {sum(map(check_ok, checks))}/{len(checks)} passed "
        f"({time.perf_counter() - started:.0f} s so far)",
        flush=True,
    )
    gpu_tests = finish_gpu_tests(gpu_tests_run, args.dry)
    print(f"gpu tests: {gpu_tests['counts']} ({gpu_tests['seconds']:.0f} s)", flush=True)
    workloads = run_workloads(device=str(device), dry=args.dry, deadline=deadline)

    passed = gpu_tests["ok"] and all(map(check_ok, checks)) and all(workload_ok(r, args.dry) for r in workloads)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dry": args.dry,
        "command": " ".join(["python benchmarks/gpu_check.py", *(argv or sys.argv[1:])]),
        "machine": _machine(),
        "installed_wheels": installed,
        "budget_s": args.budget_s,
        "elapsed_s": time.perf_counter() - started,
        "passed": passed,
        "gpu_tests": gpu_tests,
        "checks": checks,
        "workloads": workloads,
    }
    report_dir = Path(args.report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "report.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    markdown = format_markdown(report)
    (report_dir / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
