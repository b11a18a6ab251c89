"""Imbalanced-learning workloads: skdl's samplers and ensembles against imbalanced-learn.

Sampler workloads time ``fit_resample``; their quality figure is a checksum of
the resampled X (the sum of its absolute values), which agrees to rounding
when both libraries draw the same samples (they do for the same int
``random_state``). Ensemble workloads time ``fit`` at equal ensemble size
(T learners of 50 boosted stumps) and report a held-out score.

Run as a script, it measures SMOTENC's time and peak memory on both sides,
each fit in a fresh process (imbalanced-learn needs minutes and gigabytes at
a million rows, too much for the runner's repeats)::

    python benchmarks/bench_imbalance.py --smotenc-memory --sizes 100000 1000000
"""

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np
from imblearn import ensemble as imb_ensemble
from imblearn import over_sampling as imb_over
from imblearn import under_sampling as imb_under
from imblearn.metrics import geometric_mean_score
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoost
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from skdl.ensemble import BalanceCascadeClassifier, EasyEnsembleClassifier
from skdl.over_sampling import SMOTE, SMOTEN, SMOTENC, BorderlineSMOTE, RandomOverSampler
from skdl.under_sampling import RandomUnderSampler

from _workload import Workload


def _sampling_data(n_samples, n_features, weights):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_classification(n, n_features, weights=weights, random_state=0)
        return {"X": X, "y": y}

    return make_data


# SMOTENC's data: 20 features, the last 5 categorical with 50 levels each.
N_CATEGORICAL, N_LEVELS = 5, 50
CATEGORICAL = list(range(20 - N_CATEGORICAL, 20))


def _mixed_data(n_samples, weights=(0.95,)):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_classification(n, 20, weights=list(weights), random_state=0)
        X[:, CATEGORICAL] = np.random.default_rng(0).integers(0, N_LEVELS, size=(n, N_CATEGORICAL))
        return {"X": X, "y": y}

    return make_data


def _categorical_data(n_samples, n_features=10, n_levels=8):
    def make_data(quick):
        n = n_samples // 10 if quick else n_samples
        rng = np.random.default_rng(0)
        y = (rng.random(n) < 0.1).astype(np.int64)
        # Categories drawn with class-dependent frequencies, so the value
        # difference metric has something to measure.
        shift = y[:, None] * rng.integers(0, n_levels, size=n_features)
        X = (rng.integers(0, n_levels, size=(n, n_features)) + shift * (rng.random((n, n_features)) < 0.5)) % n_levels
        return {"X": X, "y": y}

    return make_data


def _resample(make_sampler):
    def fit(data, device=None):
        sampler = make_sampler() if device is None else make_sampler().set_params(device=device)
        X_res, y_res = sampler.fit_resample(data["X"], data["y"])
        return SimpleNamespace(sampler=sampler, X_res=X_res, y_res=y_res)

    return fit


def _checksum(result, data):
    # In C order: imbalanced-learn's SMOTENC returns a Fortran-ordered array,
    # which NumPy would sum in another order.
    return float(np.abs(np.ascontiguousarray(result.X_res)).sum())


def _sampler_workload(
    name, estimator, ours, peer, n_samples, target, *, weights=(0.95,), device_param=True, needs_cuda=False
):
    fit_ours = _resample(ours)
    return Workload(
        name=name,
        estimators=(estimator,),
        make_data=_sampling_data(n_samples, 20, list(weights)),
        fit_skdl=fit_ours if device_param else (lambda data, device: fit_ours(data)),
        fit_peer=_resample(peer),
        quality=_checksum,
        quality_name="sum |X_res|",
        target=target,
        needs_cuda=needs_cuda,
    )


def _ensemble_data(quick):
    n = 1_000 if quick else 5_000
    X, y = make_classification(n, 20, weights=[0.9, 0.1], random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    return {"X": X_train, "y": y_train, "X_test": X_test, "y_test": y_test}


N_ROUNDS, N_BOOST = 10, 50


def _fit_easy(data, device):
    return EasyEnsembleClassifier(N_ROUNDS, random_state=0).fit(data["X"], data["y"])


def _fit_cascade(data, device):
    return BalanceCascadeClassifier(N_ROUNDS, n_boost=N_BOOST, random_state=0).fit(data["X"], data["y"])


def _fit_imblearn_easy(data):
    estimator = SklearnAdaBoost(n_estimators=N_BOOST)
    return imb_ensemble.EasyEnsembleClassifier(N_ROUNDS, estimator=estimator, random_state=0).fit(data["X"], data["y"])


def _auc(model, data):
    return roc_auc_score(data["y_test"], model.predict_proba(data["X_test"])[:, 1])


def _gmean(model, data):
    return geometric_mean_score(data["y_test"], model.predict(data["X_test"]))


WORKLOADS = [
    _sampler_workload(
        "smote_100k_x20",
        "SMOTE",
        lambda: SMOTE(random_state=0),
        lambda: imb_over.SMOTE(random_state=0),
        100_000,
        "ratio <= 1.0, same samples (rel. diff ~1e-16)",
    ),
    _sampler_workload(
        "borderline_smote_100k_x20",
        "BorderlineSMOTE",
        lambda: BorderlineSMOTE(random_state=0),
        lambda: imb_over.BorderlineSMOTE(random_state=0),
        100_000,
        "ratio <= 1.0, same samples",
        weights=(0.9,),
    ),
    _sampler_workload(
        "random_over_sampler_1M_x20",
        "RandomOverSampler",
        lambda: RandomOverSampler(random_state=0, shrinkage=0.5),
        lambda: imb_over.RandomOverSampler(random_state=0, shrinkage=0.5),
        1_000_000,
        "ratio <= 1.0, same samples",
        device_param=False,
    ),
    _sampler_workload(
        "random_under_sampler_1M_x20",
        "RandomUnderSampler",
        lambda: RandomUnderSampler(random_state=0),
        lambda: imb_under.RandomUnderSampler(random_state=0),
        1_000_000,
        "ratio <= 1.0, same samples",
        device_param=False,
    ),
    Workload(
        name="smotenc_100k_x20_5cat50",
        estimators=("SMOTENC",),
        make_data=_mixed_data(100_000),
        fit_skdl=_resample(lambda: SMOTENC(categorical_features=CATEGORICAL, random_state=0)),
        fit_peer=_resample(lambda: imb_over.SMOTENC(categorical_features=CATEGORICAL, random_state=0)),
        quality=_checksum,
        quality_name="sum |X_res|",
        target="ratio <= 0.5, same samples",
    ),
    Workload(
        name="smoten_50k_x10_8levels",
        estimators=("SMOTEN",),
        make_data=_categorical_data(50_000),
        fit_skdl=_resample(lambda: SMOTEN(random_state=0)),
        fit_peer=_resample(lambda: imb_over.SMOTEN(random_state=0)),
        quality=_checksum,
        quality_name="sum |X_res|",
        target="ratio <= 1.0, same samples",
    ),
    Workload(
        name="easy_ensemble_5k_T10",
        estimators=("EasyEnsembleClassifier",),
        make_data=_ensemble_data,
        fit_skdl=_fit_easy,
        fit_peer=_fit_imblearn_easy,
        quality=_auc,
        quality_name="test ROC AUC",
        target="fit faster than imbalanced-learn's EasyEnsemble (ratio < 1.0), AUC within 0.005",
    ),
    Workload(
        name="balance_cascade_5k_T10",
        estimators=("BalanceCascadeClassifier",),
        make_data=_ensemble_data,
        fit_skdl=_fit_cascade,
        fit_peer=_fit_imblearn_easy,
        quality=_gmean,
        quality_name="test G-mean",
        target="fit faster than imbalanced-learn's EasyEnsemble (ratio < 1.0), G-mean >= peer - 0.005",
    ),
    _sampler_workload(
        "smote_1M_x20_gpu",
        "SMOTE",
        lambda: SMOTE(random_state=0),
        lambda: imb_over.SMOTE(random_state=0),
        1_000_000,
        "GPU >= 10x imbalanced-learn's CPU time (ratio <= 0.1)",
        needs_cuda=True,
    ),
]


def _smotenc_child(side, n):
    """One SMOTENC fit in this process: its time and its peak RSS above the baseline."""
    data = _mixed_data(n)(False)
    if side == "skdl":
        # numba compiles on first use: not the fit's time or memory (rounded
        # data, so that the route of rows with tied distances compiles too)
        warm_up = np.round(data["X"][:2000])
        SMOTENC(categorical_features=CATEGORICAL, random_state=0).fit_resample(warm_up, data["y"][:2000])
        sampler = SMOTENC(categorical_features=CATEGORICAL, random_state=0)
    else:
        sampler = imb_over.SMOTENC(categorical_features=CATEGORICAL, random_state=0)
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[1]) * resource.getpagesize()
    start = time.perf_counter()
    X_res, _ = sampler.fit_resample(data["X"], data["y"])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    digest = hashlib.sha256(np.ascontiguousarray(X_res).tobytes()).hexdigest()
    print(json.dumps({"seconds": seconds, "fit_peak": peak - baseline, "sha256": digest}))


def _smotenc_memory(sizes):
    """Print skdl against imbalanced-learn: SMOTENC time and peak memory per size."""
    print(f"SMOTENC, 20 features ({N_CATEGORICAL} categorical of {N_LEVELS} levels), 5% minority")
    print(
        "| n | skdl (s) | peer (s) | time ratio | skdl peak (MiB) | peer peak (MiB) | memory ratio | bit-identical X |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in sizes:
        rows = {}
        for side in ("skdl", "imblearn"):
            out = subprocess.run(
                [sys.executable, __file__, "--smotenc-child", side, str(n)], capture_output=True, text=True, check=True
            )
            rows[side] = json.loads(out.stdout.strip().splitlines()[-1])
        ours, peer = rows["skdl"], rows["imblearn"]
        print(
            f"| {n:,} | {ours['seconds']:.1f} | {peer['seconds']:.1f} | {ours['seconds'] / peer['seconds']:.2f} "
            f"| {ours['fit_peak'] / 2**20:,.0f} | {peer['fit_peak'] / 2**20:,.0f} "
            f"| {ours['fit_peak'] / peer['fit_peak']:.3f} | {ours['sha256'] == peer['sha256']} |",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="SMOTENC time and peak memory against imbalanced-learn.")
    parser.add_argument("--smotenc-memory", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--smotenc-child", nargs=2, metavar=("SIDE", "N"))
    args = parser.parse_args()
    if args.smotenc_child:
        _smotenc_child(args.smotenc_child[0], int(args.smotenc_child[1]))
    else:
        _smotenc_memory(args.sizes)
