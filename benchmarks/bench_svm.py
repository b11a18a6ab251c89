"""Kernel SVC workloads: skdl's SMO against scikit-learn's SVC (libsvm).

Both sides fit the same training split with the same C, kernel (RBF), gamma
(``"scale"``, which both resolve to the same value) and tol=1e-3. Two quality
figures, each in its own workload:

* ``dual objective``: ``sum over machines of 1/2 w^T K w - |w|_1``, ``w`` the
  machine's dual coefficients ``y_i alpha_i``, evaluated with the same code
  for both models (kernel blocks of bounded size); the relative difference
  says how close the two optima are (target 1e-4).
* ``held-out agreement``: the fraction of a held-out 20% on which the model
  predicts what scikit-learn's SVC (fitted once, outside the timing) predicts;
  1 for the peer by construction, so the relative difference is the share of
  disagreements (target 0.005).

* ``support vectors``: the total number of support vectors (target: within
  2%, a relative difference <= 0.02).
* ``1 - probability MAD``: ``CalibratedClassifierCV(SVC(), method="sigmoid",
  ensemble=False)`` on both sides; one minus the mean absolute difference of
  the held-out probabilities from those of the wrapper around scikit-learn's
  SVC (fitted once, outside the timing), so the relative difference is the
  MAD itself (target 0.02).

The scaling workloads (2,000 and 30,000 samples) report the dual objective.
"""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC as SklearnSVC

from skdl.svm import SVC

from _workload import Workload

TARGET_SPEED = "ratio <= 1.5 (aim 1.0)"


def _data(n_samples, n_classes, reference):
    def make_data(quick):
        n = max(200, n_samples // 20) if quick else n_samples
        X, y = make_classification(
            n, 20, n_informative=10, n_classes=n_classes, random_state=0
        )
        X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=0)
        data = {"X": X_train, "y": y_train, "X_test": X_test}
        if reference:
            data["reference"] = SklearnSVC(tol=1e-3).fit(X_train, y_train).predict(X_test)
        return data

    return make_data


def _machine_weights(model):
    """Signed dual coefficients, one column per one-vs-one machine."""
    n_classes = len(model.classes_)
    if n_classes == 2:
        return model.dual_coef_.T
    starts = np.r_[0, np.cumsum(model.n_support_)]
    W = np.zeros((model.dual_coef_.shape[1], n_classes * (n_classes - 1) // 2))
    p = 0
    for a in range(n_classes):
        for b in range(a + 1, n_classes):
            W[starts[a]:starts[a + 1], p] = model.dual_coef_[b - 1, starts[a]:starts[a + 1]]
            W[starts[b]:starts[b + 1], p] = model.dual_coef_[a, starts[b]:starts[b + 1]]
            p += 1
    return W


def _dual_objective(model, data):
    gamma = 1.0 / (data["X"].shape[1] * data["X"].var())
    SV = model.support_vectors_
    W = _machine_weights(model)
    quad = 0.0
    for start in range(0, len(SV), 2048):
        K = rbf_kernel(SV[start:start + 2048], SV, gamma=gamma)
        quad += float(((K @ W) * W[start:start + 2048]).sum())
    return 0.5 * quad - float(np.abs(W).sum())


def _agreement(model, data):
    return float(np.mean(model.predict(data["X_test"]) == data["reference"]))


def _fit_skdl(data, device):
    return SVC(tol=1e-3, device=device).fit(data["X"], data["y"])


def _fit_peer(data):
    return SklearnSVC(tol=1e-3).fit(data["X"], data["y"])


def _n_support(model, data):
    return float(model.n_support_.sum())


def _calibrated(svc):
    return CalibratedClassifierCV(svc, method="sigmoid", ensemble=False)


def _calibrated_data(n_samples, n_classes):
    plain = _data(n_samples, n_classes, reference=False)

    def make_data(quick):
        data = plain(quick)
        reference = _calibrated(SklearnSVC(tol=1e-3)).fit(data["X"], data["y"])
        data["reference_proba"] = reference.predict_proba(data["X_test"])
        return data

    return make_data


def _one_minus_probability_mad(model, data):
    return 1.0 - float(np.abs(model.predict_proba(data["X_test"]) - data["reference_proba"]).mean())


def _calibrated_workload(name, n_samples, n_classes):
    return Workload(
        name=name,
        estimators=("SVC",),
        make_data=_calibrated_data(n_samples, n_classes),
        fit_skdl=lambda data, device: _calibrated(SVC(tol=1e-3, device=device)).fit(
            data["X"], data["y"]
        ),
        fit_peer=lambda data: _calibrated(SklearnSVC(tol=1e-3)).fit(data["X"], data["y"]),
        quality=_one_minus_probability_mad,
        quality_name="1 - probability MAD",
        target="probability MAD <= 0.02 (rel. diff)",
    )


def _svc(name, n_samples, n_classes, target, quality="objective", needs_cuda=False):
    agreement = quality == "agreement"
    figures = {
        "objective": (_dual_objective, "dual objective"),
        "agreement": (_agreement, "held-out agreement"),
        "n_support": (_n_support, "support vectors"),
    }
    return Workload(
        name=name,
        estimators=("SVC",),
        make_data=_data(n_samples, n_classes, reference=agreement),
        fit_skdl=_fit_skdl,
        fit_peer=_fit_peer,
        quality=figures[quality][0],
        quality_name=figures[quality][1],
        target=target,
        needs_cuda=needs_cuda,
    )


WORKLOADS = [
    _svc("svc_rbf_binary_10k_x20", 10_000, 2, f"{TARGET_SPEED}, objective rel. diff <= 1e-4"),
    _svc("svc_rbf_5class_10k_x20", 10_000, 5, f"{TARGET_SPEED}, objective rel. diff <= 1e-4"),
    _svc("svc_rbf_binary_10k_x20_agreement", 10_000, 2, "agreement >= 0.995 (rel. diff <= 0.005)",
         quality="agreement"),
    _svc("svc_rbf_5class_10k_x20_agreement", 10_000, 5, "agreement >= 0.995 (rel. diff <= 0.005)",
         quality="agreement"),
    _svc("svc_rbf_binary_10k_x20_n_support", 10_000, 2, "support vectors within 2%",
         quality="n_support"),
    _svc("svc_rbf_5class_10k_x20_n_support", 10_000, 5, "support vectors within 2%",
         quality="n_support"),
    _calibrated_workload("svc_calibrated_binary_5k_x20", 5_000, 2),
    _calibrated_workload("svc_calibrated_5class_5k_x20", 5_000, 5),
    _svc("svc_rbf_binary_2k_x20", 2_000, 2, "scaling: ratio at 2,000 samples"),
    _svc("svc_rbf_binary_30k_x20", 30_000, 2, "scaling: ratio at 30,000 samples"),
    _svc("svc_rbf_binary_100k_x20_gpu", 100_000, 2,
         "GPU >= 10x scikit-learn's CPU time (ratio <= 0.1)", needs_cuda=True),
]
