"""Imbalanced-learning workloads: skdl's samplers and ensembles against imbalanced-learn.

Sampler workloads time ``fit_resample``; their quality figure is a checksum of
the resampled X (the sum of its absolute values), which agrees to rounding
when both libraries draw the same samples (they do for the same int
``random_state``). Ensemble workloads time ``fit`` at equal ensemble size
(T learners of 50 boosted stumps) and report a held-out score.
"""

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
from skdl.over_sampling import SMOTE, BorderlineSMOTE, RandomOverSampler
from skdl.under_sampling import RandomUnderSampler

from _workload import Workload


def _sampling_data(n_samples, n_features, weights):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_classification(n, n_features, weights=weights, random_state=0)
        return {"X": X, "y": y}

    return make_data


def _resample(make_sampler):
    def fit(data, device=None):
        sampler = make_sampler() if device is None else make_sampler().set_params(device=device)
        X_res, y_res = sampler.fit_resample(data["X"], data["y"])
        return SimpleNamespace(sampler=sampler, X_res=X_res, y_res=y_res)

    return fit


def _checksum(result, data):
    return float(np.abs(result.X_res).sum())


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
