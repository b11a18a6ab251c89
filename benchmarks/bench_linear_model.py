"""Linear-model workloads: LogisticRegression and LinearSVC against scikit-learn.

The quality figure is the objective each library minimises, evaluated at each
model's coefficients with the same formula (so the relative difference says
how close the two solutions are): scikit-learn's penalised mean log loss for
LogisticRegression, liblinear's primal objective for LinearSVC. Accuracy is
printed by the tests, not here.
"""

import functools
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.svm import LinearSVC as SklearnLinearSVC

from skdl.linear_model import LogisticRegression, _liblinear
from skdl.svm import LinearSVC
from skdl.svm._linear import crammer_singer_objective, primal_objective

from _workload import Workload


def _classification(n_samples, n_features, **kw):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_classification(n, n_features, random_state=0, **kw)
        return {"X": X, "y": y}

    return make_data


def _log_loss_objective(C, l1_ratio=0.0):
    def quality(model, data):
        X, y = data["X"], data["y"]
        classes = np.unique(y)
        Z = X @ model.coef_.T + model.intercept_
        if len(classes) == 2:
            z = Z[:, 0]
            loss = np.logaddexp(0, z) - (y == classes[1]) * z
        else:
            shift = Z.max(axis=1, keepdims=True)
            lse = shift[:, 0] + np.log(np.exp(Z - shift).sum(axis=1))
            loss = lse - Z[np.arange(len(y)), np.searchsorted(classes, y)]
        W = model.coef_
        penalty = (1 - l1_ratio) / 2 * (W * W).sum() + l1_ratio * np.abs(W).sum()
        return float(loss.mean() + penalty / (C * len(y)))

    return quality


def _liblinear_objective(C, l1=False):
    """liblinear's logistic objective (penalised intercept, intercept_scaling=1)."""

    def quality(model, data):
        X, y = data["X"], data["y"]
        y_pm = np.where(y == np.unique(y)[1], 1.0, -1.0)
        w = np.r_[np.asarray(model.coef_)[0], model.intercept_]
        return float(_liblinear.objective(_liblinear.augmented(X, 1.0), y_pm, np.full(len(y), C), w, l1=l1))

    return quality


def _svm_objective(C, loss="squared_hinge"):
    def quality(model, data):
        X, y = data["X"], data["y"]
        classes = np.unique(y)
        total = 0.0
        for k, w in enumerate(model.coef_):
            positive = classes[1] if len(classes) == 2 else classes[k]
            y_pm = np.where(y == positive, 1.0, -1.0)
            total += primal_objective(
                X,
                y_pm,
                np.full(len(y), C),
                np.r_[w, model.intercept_[k]],
                bias=1.0,
                squared=loss == "squared_hinge",
                l1=False,
            )
        return total

    return quality


def _crammer_singer(name, make_data, target, C):
    """Crammer-Singer: scikit-learn's liblinear runs up to 100000 passes whatever
    ``max_iter`` (its Solver_MCSVM_CS default), so skdl is given the same cap and
    both stop on the same ``tol`` rule."""

    def quality(model, data):
        X, y = data["X"], data["y"]
        weights = np.c_[model.coef_, model.intercept_]
        return crammer_singer_objective(X, np.searchsorted(model.classes_, y), np.full(len(y), C), weights, bias=1.0)

    kw = {"multi_class": "crammer_singer", "C": C, "random_state": 0}
    return Workload(
        name=name,
        estimators=("LinearSVC",),
        make_data=make_data,
        fit_skdl=_quiet(
            lambda data, device: LinearSVC(max_iter=100_000, device=device, **kw).fit(data["X"], data["y"])
        ),
        fit_peer=_quiet(lambda data: SklearnLinearSVC(**kw).fit(data["X"], data["y"])),
        quality=quality,
        quality_name="primal objective",
        target=target,
    )


def _quiet(fit):
    def wrapped(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return fit(*args)

    return wrapped


def _logreg(name, make_data, target, skdl_kw=None, peer_kw=None, needs_cuda=False, l1_ratio=0.0, quality=None):
    skdl_kw, peer_kw = skdl_kw or {}, peer_kw or {}
    return Workload(
        name=name,
        estimators=("LogisticRegression",),
        make_data=make_data,
        fit_skdl=_quiet(lambda data, device: LogisticRegression(device=device, **skdl_kw).fit(data["X"], data["y"])),
        fit_peer=_quiet(lambda data: SklearnLogisticRegression(**peer_kw).fit(data["X"], data["y"])),
        quality=quality or _log_loss_objective(skdl_kw.get("C", 1.0), l1_ratio),
        quality_name="objective",
        target=target,
        needs_cuda=needs_cuda,
    )


def _svc(name, make_data, target, loss="squared_hinge"):
    return Workload(
        name=name,
        estimators=("LinearSVC",),
        make_data=make_data,
        fit_skdl=_quiet(
            lambda data, device: LinearSVC(loss=loss, random_state=0, device=device).fit(data["X"], data["y"])
        ),
        fit_peer=_quiet(lambda data: SklearnLinearSVC(loss=loss, random_state=0).fit(data["X"], data["y"])),
        quality=_svm_objective(1.0, loss),
        quality_name="primal objective",
        target=target,
    )


# ---------------------------------------------------------------- prediction

PREDICT_ROWS = 100_000


@functools.lru_cache(maxsize=2)
def _trained_pair(quick):
    """skdl's and scikit-learn's lbfgs models fitted on the same 10-class rows
    (both prediction workloads share them); prediction runs on as many held-out rows."""
    n = PREDICT_ROWS // 20 if quick else PREDICT_ROWS
    X, y = make_classification(2 * n, 50, n_classes=10, n_informative=30, random_state=0)
    skdl = LogisticRegression(device="cpu").fit(X[:n], y[:n])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        peer = SklearnLogisticRegression().fit(X[:n], y[:n])
    return {"skdl": skdl, "peer": peer, "X_test": X[n:], "y_test": y[n:]}


def _predicting(side, method):
    def predict(data, device=None):
        model = data[side]
        data[f"{side}_out"] = getattr(model, method)(data["X_test"])
        return model

    return predict


def _side(model):
    return "skdl" if isinstance(model, LogisticRegression) else "peer"


def _held_out_accuracy(model, data):
    return float(np.mean(data[f"{_side(model)}_out"] == data["y_test"]))


def _held_out_log_loss(model, data):
    proba = data[f"{_side(model)}_out"]
    return float(-np.mean(np.log(proba[np.arange(len(proba)), data["y_test"]])))


def _prediction(name, method, quality, quality_name):
    return Workload(
        name=name,
        estimators=("LogisticRegression",),
        make_data=lambda quick: dict(_trained_pair(quick)),
        fit_skdl=_predicting("skdl", method),
        fit_peer=_predicting("peer", method),
        quality=quality,
        quality_name=quality_name,
        target="ratio <= 1.0 (10 classes, 50 features, lbfgs models of the same rows)",
    )


WORKLOADS = [
    _logreg("logreg_lbfgs_binary_100k_x50", _classification(100_000, 50), "ratio <= 1.0, objective rel. diff <= 1e-6"),
    _logreg(
        "logreg_lbfgs_10class_100k_x50",
        _classification(100_000, 50, n_classes=10, n_informative=30),
        "ratio <= 1.0, objective rel. diff <= 1e-6",
    ),
    _logreg(
        "logreg_newton_10class_100k_x50",
        _classification(100_000, 50, n_classes=10, n_informative=30),
        "objective rel. diff <= 1e-6 (peer: newton-cholesky)",
        skdl_kw={"solver": "newton"},
        peer_kw={"solver": "newton-cholesky"},
    ),
    _logreg(
        "logreg_l1_proximal_20k_x50",
        _classification(20_000, 50, n_informative=10),
        "objective rel. diff <= 1e-6 (peer: saga)",
        skdl_kw={"solver": "proximal", "l1_ratio": 1.0, "C": 0.05, "tol": 1e-6, "max_iter": 2000},
        peer_kw={"solver": "saga", "l1_ratio": 1.0, "C": 0.05, "tol": 1e-6, "max_iter": 2000},
        l1_ratio=1.0,
    ),
    _logreg(
        "logreg_newton_cg_10class_100k_x50",
        _classification(100_000, 50, n_classes=10, n_informative=30),
        "ratio <= 1.0, objective rel. diff <= 1e-6",
        skdl_kw={"solver": "newton-cg"},
        peer_kw={"solver": "newton-cg"},
    ),
    _logreg(
        "logreg_sag_binary_100k_x100",
        _classification(100_000, 100, n_informative=30),
        "ratio <= 1.0, objective rel. diff <= 1e-6",
        skdl_kw={"solver": "sag", "random_state": 0},
        peer_kw={"solver": "sag", "random_state": 0},
    ),
    _logreg(
        "logreg_saga_l1_100k_x100",
        _classification(100_000, 100, n_informative=30),
        "ratio <= 1.0, objective rel. diff <= 1e-6",
        skdl_kw={"solver": "saga", "l1_ratio": 1.0, "random_state": 0},
        peer_kw={"solver": "saga", "l1_ratio": 1.0, "random_state": 0},
        l1_ratio=1.0,
    ),
    _logreg(
        "logreg_liblinear_l2_50k_x100",
        _classification(50_000, 100, n_informative=30),
        "ratio <= 1.0, objective rel. diff <= 1e-6",
        skdl_kw={"solver": "liblinear"},
        peer_kw={"solver": "liblinear"},
        quality=_liblinear_objective(1.0),
    ),
    _svc(
        "linearsvc_sqhinge_50k_x20",
        _classification(50_000, 20, n_informative=10),
        "ratio <= 1.0, objective rel. diff <= 1e-3",
    ),
    _svc(
        "linearsvc_hinge_50k_x20",
        _classification(50_000, 20, n_informative=10),
        "ratio <= 1.0, objective rel. diff <= 1e-3",
        loss="hinge",
    ),
    _crammer_singer(
        "linearsvc_crammer_singer_20k_x50_5class",
        _classification(20_000, 50, n_informative=20, n_classes=5),
        "ratio <= 1.0, objective rel. diff <= 1e-4",
        C=0.01,
    ),
    _logreg(
        "logreg_lbfgs_binary_500k_x200",
        _classification(500_000, 200, n_informative=50),
        "ratio <= 1.0, objective rel. diff <= 1e-6",
    ),
    _prediction("logreg_predict_100k_x50_10class", "predict", _held_out_accuracy, "held-out accuracy of predict"),
    _prediction(
        "logreg_predict_proba_100k_x50_10class",
        "predict_proba",
        _held_out_log_loss,
        "held-out log loss of predict_proba",
    ),
    _logreg(
        "logreg_lbfgs_1M_x200_gpu",
        _classification(1_000_000, 200, n_informative=50),
        "GPU >= 10x scikit-learn's CPU time (ratio <= 0.1)",
        needs_cuda=True,
    ),
]
