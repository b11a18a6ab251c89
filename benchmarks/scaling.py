"""Scaling curves: fit time against the number of samples, skdl and its peer.

One representative fit per family is timed at growing sizes, with the
runner's :func:`run.measure` (alternating sides, after a warm-up fit of
each), and the rows are written as JSON. The gallery example
``examples/benchmarks/plot_scaling.py`` draws the curves from that file.

Usage::

    python benchmarks/scaling.py                          # writes benchmarks/results/scaling.json
    python benchmarks/scaling.py --family svm --quick     # a smoke run of one family
    python benchmarks/scaling.py --json other.json
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from imblearn.over_sampling import SMOTE as PeerSMOTE
from sklearn.cluster import KMeans as PeerKMeans
from sklearn.datasets import make_blobs, make_classification
from sklearn.ensemble import AdaBoostClassifier as PeerAdaBoost
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as PeerLogisticRegression
from sklearn.neural_network import MLPClassifier as PeerMLP
from sklearn.svm import SVC as PeerSVC
from sklearn.tree import DecisionTreeClassifier as PeerTree

from skdl.cluster import KMeans
from skdl.ensemble import AdaBoostClassifier
from skdl.linear_model import LogisticRegression
from skdl.nn import MLPClassifier
from skdl.over_sampling import SMOTE
from skdl.svm import SVC
from skdl.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as runner  # noqa: E402

from _workload import Workload  # noqa: E402

DEFAULT_JSON = HERE / "results" / "scaling.json"
N_FEATURES = 20
N_CLUSTERS = 16


def _classification(n):
    def make_data(quick):
        size = max(n // 20, 200) if quick else n
        X, y = make_classification(size, N_FEATURES, n_informative=10, random_state=0)
        return {"X": X, "y": y}

    return make_data


def _imbalanced(n):
    def make_data(quick):
        size = max(n // 20, 200) if quick else n
        X, y = make_classification(size, N_FEATURES, n_informative=10, weights=[0.9], random_state=0)
        return {"X": X, "y": y}

    return make_data


def _blobs(n):
    def make_data(quick):
        size = max(n // 20, 200) if quick else n
        X, _ = make_blobs(size, N_FEATURES, centers=N_CLUSTERS, random_state=0)
        return {"X": X, "init": X[:N_CLUSTERS].copy()}

    return make_data


def _accuracy(model, data):
    return float(model.score(data["X"], data["y"]))


def _minority_count(result, data):
    return float(np.sum(result[1] == 1))


def _fit_peer_mlp(data):
    with warnings.catch_warnings():
        # five epochs on purpose: the same number as skdl's side
        warnings.simplefilter("ignore", ConvergenceWarning)
        return PeerMLP(hidden_layer_sizes=(64,), max_iter=5, batch_size=256, random_state=0).fit(data["X"], data["y"])


def _mlp_skdl(device):
    return MLPClassifier(
        hidden_layer_sizes=(64,), max_epochs=5, batch_size=256, random_state=0, verbose=0, device=device
    )


#: family -> (estimator name, skdl fit, peer fit, data maker, quality name, quality, sizes)
CURVES = {
    "cluster": (
        "KMeans",
        lambda data, device: KMeans(N_CLUSTERS, init=data["init"], n_init=1, max_iter=20, tol=0, device=device).fit(
            data["X"]
        ),
        lambda data: PeerKMeans(N_CLUSTERS, init=data["init"], n_init=1, max_iter=20, tol=0).fit(data["X"]),
        _blobs,
        "inertia",
        lambda model, data: float(model.inertia_),
        (20_000, 50_000, 100_000, 200_000),
    ),
    "linear_model": (
        "LogisticRegression",
        lambda data, device: LogisticRegression(max_iter=200, device=device).fit(data["X"], data["y"]),
        lambda data: PeerLogisticRegression(max_iter=200).fit(data["X"], data["y"]),
        _classification,
        "train accuracy",
        _accuracy,
        (20_000, 50_000, 100_000, 200_000),
    ),
    "svm": (
        "SVC",
        lambda data, device: SVC(device=device).fit(data["X"], data["y"]),
        lambda data: PeerSVC().fit(data["X"], data["y"]),
        _classification,
        "train accuracy",
        _accuracy,
        (1_000, 2_000, 4_000, 8_000),
    ),
    "tree": (
        "DecisionTreeClassifier",
        lambda data, device: DecisionTreeClassifier(random_state=0).fit(data["X"], data["y"]),
        lambda data: PeerTree(random_state=0).fit(data["X"], data["y"]),
        _classification,
        "train accuracy",
        _accuracy,
        (10_000, 20_000, 50_000, 100_000),
    ),
    "ensemble": (
        "AdaBoostClassifier",
        lambda data, device: AdaBoostClassifier(n_estimators=50, random_state=0).fit(data["X"], data["y"]),
        lambda data: PeerAdaBoost(n_estimators=50, random_state=0).fit(data["X"], data["y"]),
        _classification,
        "train accuracy",
        _accuracy,
        (10_000, 20_000, 50_000, 100_000),
    ),
    "over_sampling": (
        "SMOTE",
        lambda data, device: SMOTE(random_state=0, device=device).fit_resample(data["X"], data["y"]),
        lambda data: PeerSMOTE(random_state=0).fit_resample(data["X"], data["y"]),
        _imbalanced,
        "minority rows after resampling",
        _minority_count,
        (20_000, 50_000, 100_000, 200_000),
    ),
    "nn": (
        "MLPClassifier",
        lambda data, device: _mlp_skdl(device).fit(data["X"].astype(np.float32), data["y"]),
        _fit_peer_mlp,
        _classification,
        "train accuracy",
        lambda model, data: float(model.score(data["X"].astype(np.float32), data["y"])),
        (10_000, 20_000, 50_000, 100_000),
    ),
}


def curve_workloads(family):
    """One :class:`Workload` per size of ``family``'s curve."""
    estimator, fit_skdl, fit_peer, make_data, quality_name, quality, sizes = CURVES[family]
    return [
        Workload(
            name=f"{family}_{n}",
            estimators=(estimator,),
            make_data=make_data(n),
            fit_skdl=fit_skdl,
            fit_peer=fit_peer,
            quality=quality,
            quality_name=quality_name,
        )
        for n in sizes
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", choices=sorted(CURVES), help="one family's curve only")
    parser.add_argument("--device", default="cpu", help="device for skdl (default cpu)")
    parser.add_argument("--quick", action="store_true", help="small data (a smoke run, not a measurement)")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs of each side per size (default 1)")
    parser.add_argument("--json", default=str(DEFAULT_JSON), metavar="PATH", help="where to write the rows")
    args = parser.parse_args(argv)
    header = runner.environment(args.device, quick=args.quick, repeats=args.repeats)
    rows = []
    for family in [args.family] if args.family else list(CURVES):
        for workload, n in zip(curve_workloads(family), CURVES[family][-1]):
            row = runner.measure(workload, device=args.device, quick=args.quick, repeats=args.repeats)
            row.update(family=family, estimator=CURVES[family][0], n_samples=n)
            rows.append(row)
            print(runner.format_rows([row]).splitlines()[-1], flush=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    runner.write_json(args.json, header, rows)
    return rows


if __name__ == "__main__":
    main()
