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

Sparse workloads (``svc_sparse_*``): CSR input on both sides, linear and RBF
kernels, on two matrices built in code: ``make_classification(20_000,
2_000)`` with each entry kept with probability 1% (``classification``), and
a TF-IDF bag of words (``CountVectorizer`` + ``TfidfTransformer``) of 20,000
documents generated from two topics' word distributions (``text``). The fit
rows report the dual objective of each model (its own support vectors and
coefficients, the kernel at the fitted gamma), the ``_predict`` rows time
``predict`` on the held-out 20% of models fitted once outside the timing and
report the held-out agreement with scikit-learn's predictions.

The linear kernel on ``classification`` is nearly hard-margin in 2,000
dimensions: libsvm needs 7 x 10^7 pair steps for it (scikit-learn's fit
took 32 minutes on a 2-core CPU), and skdl takes the same steps. Besides the full workload,
``svc_sparse_linear_classification_20k_first_2M`` stops both sides after the
first 2 million steps (``max_iter``): the same path, so the same model.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics.pairwise import pairwise_kernels, rbf_kernel
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC as SklearnSVC

from skdl.svm import SVC

from _workload import Workload

TARGET_SPEED = "ratio <= 1.5 (aim 1.0)"


def _data(n_samples, n_classes, reference):
    def make_data(quick):
        n = max(200, n_samples // 20) if quick else n_samples
        X, y = make_classification(n, 20, n_informative=10, n_classes=n_classes, random_state=0)
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
            W[starts[a] : starts[a + 1], p] = model.dual_coef_[b - 1, starts[a] : starts[a + 1]]
            W[starts[b] : starts[b + 1], p] = model.dual_coef_[a, starts[b] : starts[b + 1]]
            p += 1
    return W


def _dual_objective(model, data):
    gamma = 1.0 / (data["X"].shape[1] * data["X"].var())
    SV = model.support_vectors_
    W = _machine_weights(model)
    quad = 0.0
    for start in range(0, len(SV), 2048):
        K = rbf_kernel(SV[start : start + 2048], SV, gamma=gamma)
        quad += float(((K @ W) * W[start : start + 2048]).sum())
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
        fit_skdl=lambda data, device: _calibrated(SVC(tol=1e-3, device=device)).fit(data["X"], data["y"]),
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
    _svc("svc_rbf_binary_10k_x20_agreement", 10_000, 2, "agreement >= 0.995 (rel. diff <= 0.005)", quality="agreement"),
    _svc("svc_rbf_5class_10k_x20_agreement", 10_000, 5, "agreement >= 0.995 (rel. diff <= 0.005)", quality="agreement"),
    _svc("svc_rbf_binary_10k_x20_n_support", 10_000, 2, "support vectors within 2%", quality="n_support"),
    _svc("svc_rbf_5class_10k_x20_n_support", 10_000, 5, "support vectors within 2%", quality="n_support"),
    _calibrated_workload("svc_calibrated_binary_5k_x20", 5_000, 2),
    _calibrated_workload("svc_calibrated_5class_5k_x20", 5_000, 5),
    _svc("svc_rbf_binary_2k_x20", 2_000, 2, "scaling: ratio at 2,000 samples"),
    _svc("svc_rbf_binary_30k_x20", 30_000, 2, "scaling: ratio at 30,000 samples"),
    _svc(
        "svc_rbf_binary_100k_x20_gpu", 100_000, 2, "GPU >= 10x scikit-learn's CPU time (ratio <= 0.1)", needs_cuda=True
    ),
]


# ------------------------------------------------------------- sparse input


def _sparse_classification(n_samples):
    """``make_classification(n, 2_000)`` with each entry kept with probability 1%."""
    X, y = make_classification(n_samples, 2_000, n_informative=200, random_state=0)
    mask = sp.random(n_samples, 2_000, density=0.01, format="csr", random_state=0)
    mask.data[:] = 1.0
    return sp.csr_matrix(mask.multiply(X)), y


def _bag_of_words(n_documents):
    """TF-IDF of documents drawn from two topics' Zipf-like word distributions."""
    rng = np.random.RandomState(0)
    vocabulary = np.array([f"w{k}" for k in range(5_000)])
    ranks = np.arange(1, len(vocabulary) + 1)
    topics = [rng.permutation(1.0 / ranks) for _ in range(2)]
    y = rng.randint(0, 2, n_documents)
    documents = []
    for label in y:
        # Words of the document's topic, and a third from the other one.
        weights = topics[label] + 0.5 * topics[1 - label]
        lengths = rng.randint(20, 120)
        words = rng.choice(vocabulary, size=lengths, p=weights / weights.sum())
        documents.append(" ".join(words))
    counts = CountVectorizer().fit_transform(documents)
    return TfidfTransformer().fit_transform(counts).tocsr(), y


_SPARSE_MATRICES = {"classification": _sparse_classification, "text": _bag_of_words}


def _sparse_fit(estimator, kernel, max_iter, data, **options):
    """``estimator(kernel=kernel, max_iter=max_iter).fit`` on the training part,
    without the ConvergenceWarning of a deliberately truncated fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator(kernel=kernel, max_iter=max_iter, **options).fit(data["X"], data["y"])


def _sparse_data(matrix, kernel, prefit, max_iter=-1):
    def make_data(quick):
        X, y = _SPARSE_MATRICES[matrix](2_000 if quick else 20_000)
        X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=0)
        data = {"X": X_train, "y": y_train, "X_test": X_test, "kernel": kernel}
        if prefit:
            data["skdl"] = _sparse_fit(SVC, kernel, max_iter, data, device="cpu")
            data["peer"] = _sparse_fit(SklearnSVC, kernel, max_iter, data)
            data["reference"] = data["peer"].predict(X_test)
        return data

    return make_data


def _own_dual_objective(model, data):
    """``1/2 w^T K w - |w|_1`` of a binary model, K at its own fitted gamma."""
    SV = model.support_vectors_
    # scikit-learn's model of sparse X has a sparse dual_coef_.
    w = model.dual_coef_.toarray() if sp.issparse(model.dual_coef_) else model.dual_coef_
    w = np.asarray(w).ravel()
    gamma = {} if data["kernel"] == "linear" else {"gamma": model._gamma}
    quad = 0.0
    for start in range(0, SV.shape[0], 2048):
        K = pairwise_kernels(SV[start : start + 2048], SV, metric=data["kernel"], **gamma)
        quad += float((K @ w) @ w[start : start + 2048])
    return 0.5 * quad - float(np.abs(w).sum())


def _predicted(side):
    """Time ``predict`` of the model fitted once in ``make_data``."""

    def predict(data, device=None):
        model = data[side]
        model.predict(data["X_test"])
        return model

    return predict


def _sparse(matrix, kernel, max_iter=-1):
    name = f"svc_sparse_{kernel}_{matrix}_20k"
    if max_iter > 0:
        name += f"_first_{max_iter // 10**6}M"
    fit = Workload(
        name=name,
        estimators=("SVC",),
        make_data=_sparse_data(matrix, kernel, prefit=False),
        fit_skdl=lambda data, device: _sparse_fit(SVC, kernel, max_iter, data, device=device),
        fit_peer=lambda data: _sparse_fit(SklearnSVC, kernel, max_iter, data),
        quality=_own_dual_objective,
        quality_name="dual objective",
        target="ratio <= 1.0, objective rel. diff <= 1e-6",
    )
    predict = Workload(
        name=f"{name}_predict",
        estimators=("SVC",),
        make_data=_sparse_data(matrix, kernel, prefit=True, max_iter=max_iter),
        fit_skdl=_predicted("skdl"),
        fit_peer=_predicted("peer"),
        quality=_agreement,
        quality_name="held-out agreement",
        target="ratio <= 1.0, agreement >= 0.999 (rel. diff <= 0.001)",
    )
    return [fit, predict]


WORKLOADS += [
    workload
    for matrix in ("classification", "text")
    for kernel in ("linear", "rbf")
    for workload in _sparse(matrix, kernel)
]
# The full linear fit on ``classification`` takes libsvm about 10^8 pair
# steps (hours for scikit-learn); skdl takes the same steps, so both sides
# stopped after the first 2 million fit and predict the same model.
WORKLOADS += _sparse("classification", "linear", max_iter=2_000_000)


# ------------------------------------------- peak memory of a sparse fit

_MEMORY_CHILD = r"""
import json, sys
import numpy as np
import scipy.sparse as sp
from skdl.svm import SVC
X = sp.load_npz(sys.argv[1])
y = np.load(sys.argv[2])
kernel = sys.argv[3]
# A first fit loads or compiles every numba kernel the fit uses (one-off
# memory, not counted); then the kernel's peak resident size is reset.
SVC(kernel=kernel, device="cpu").fit(X, y)


def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field))


with open("/proc/self/clear_refs", "w") as clear_refs:
    clear_refs.write("5")
baseline = status("VmRSS:")
SVC(kernel=kernel, device="cpu").fit(X, y)
print(json.dumps({"fit_peak": status("VmHWM:") - baseline}))
"""


def sparse_fit_memory(matrix, kernel, n_samples=20_000):
    """Peak memory of ``SVC(kernel).fit`` on a sparse workload, in a fresh process.

    The child loads only the CSR matrix (built here, so the dense matrix
    ``make_classification`` returns never enters it), fits once (numba's
    compilation or cache loading), resets its peak resident size (Linux's
    ``/proc/self/clear_refs``), fits again and reports the peak above the
    resident size before that fit.

    Returns
    -------
    fit_peak, csr_bytes : int
    """
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    X, y = _SPARSE_MATRICES[matrix](n_samples)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=0)
    X_train = sp.csr_matrix(X_train)
    csr_bytes = X_train.data.nbytes + X_train.indices.nbytes + X_train.indptr.nbytes
    with tempfile.TemporaryDirectory() as folder:
        sp.save_npz(Path(folder) / "X.npz", X_train)
        np.save(Path(folder) / "y.npy", y_train)
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD, str(Path(folder) / "X.npz"), str(Path(folder) / "y.npy"), kernel],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])["fit_peak"], csr_bytes


if __name__ == "__main__":
    # python benchmarks/bench_svm.py: peak memory of the sparse fits against
    # the bound 3 x CSR bytes + cache_size (200 MB).
    for matrix in ("classification", "text"):
        for kernel in ("linear", "rbf"):
            fit_peak, csr_bytes = sparse_fit_memory(matrix, kernel)
            bound = 3 * csr_bytes + 200 * 2**20
            print(
                f"{matrix:<15}{kernel:<8} CSR {csr_bytes / 2**20:7.1f} MiB  fit peak "
                f"{fit_peak / 2**20:7.1f} MiB  bound {bound / 2**20:7.1f} MiB  "
                f"{'ok' if fit_peak < bound else 'OVER'}",
                flush=True,
            )
