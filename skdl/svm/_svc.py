"""Kernel support vector classifier: :class:`SVC`, solved by SMO on the CPU or a GPU."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._available_if import available_if
from sklearn.utils.deprecation import deprecated
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_consistent_length, check_is_fitted, column_or_1d

from .._device import (
    DEVICE_CONSTRAINT,
    chunk_size,
    compute_dtype,
    index_tensor,
    resolve_device,
    to_numpy,
    to_tensor,
)
from ..utils._sklearn_compat import (
    Hidden,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _ovr_decision_function,
    validate_data,
)
from ..utils._tags import with_xfail_checks
from ..utils._threads import single_threaded_blas
from ..utils._validation import (
    check_binary_or_more_classes,
    check_squares_are_finite,
    class_weights_of,
    unchanged_on_error,
)
from ._kernels import (
    FeatureRows,
    KernelSpec,
    PrecomputedRows,
    PrecomputedTensorRows,
    SparseRows,
    TensorRows,
    decision_values,
    pairwise,
    sparse_decision_values,
    sq_norms,
)
from ._platt import fold_bounds, fold_permutation, ovo_probabilities, sigmoid_predict, sigmoid_train
from ._smo import Solution, solve_blocked
from ._smo_cache import solve_cached

# Variables per working set of the blocked solver.
_BLOCK_SIZE = 1024
# dtype of the CPU solver's kernel cache: libsvm's Qfloat (float32) stores twice
# the rows of float64 in the same memory and gives the same iterates as libsvm.
_CACHE_DTYPE = np.float32
# Kernel values of one block of the CPU solver's gradient reconstruction, at
# most (bytes): enough rows for BLAS to run at full speed, small next to the
# cache, so a fit needs about the data plus ``cache_size`` (scikit-learn's
# ``working_memory``, 1 GB by default, would let one block outgrow both).
_BLOCK_BYTES = 16 * 2**20


def choose_route(device):
    """The solver for a device: ``"blocked"`` on a GPU, ``"cached"`` on the CPU.

    On a GPU, the blocked solver turns the work into large matrix products; on
    the CPU, libsvm's pair-by-pair solver with a kernel-row cache does less
    work (it computes only the rows it visits) and is faster.
    """
    return "blocked" if device.type == "cuda" else "cached"


def _constant_machine(sign):
    """A machine with no support vectors whose decision is ``sign`` everywhere.

    Used for a pair of classes one of which has no sample of positive weight
    (class_weight or sample_weight zeroed it): it always votes for the other.
    """
    return Solution(np.zeros(0), -float(sign), 0.0, 0, True)


def _check_kernel_is_finite(X):
    """scikit-learn's error for training values whose kernel overflows.

    libsvm would return non-finite dual coefficients and scikit-learn raises
    after the fit; the same error is raised here before the solver starts.
    """
    try:
        check_squares_are_finite(X, "dot products and squared distances of samples")
    except ValueError as error:
        raise ValueError(
            "The dual coefficients or intercepts are not finite. The input data may "
            f"contain large values and need to be preprocessed: {error}"
        ) from None


def _platt_attribute(letter):
    """The deprecated property ``prob{letter}_`` (scikit-learn 1.9's message)."""

    def read(self):
        return getattr(self, f"_prob{letter}")

    read.__doc__ = f"""``{letter}`` of Platt's sigmoid ``1 / (1 + exp(A f + B))`` of each machine.

        Empty unless fitted with ``probability=True``.

        Returns
        -------
        prob{letter} : ndarray of shape (n_machines,)
        """
    return deprecated(
        f"Attribute `prob{letter}_` was deprecated in version 1.9 and will be removed in "
        "1.11 as the `probability=True` option for SVC and NuSVC was deprecated "
        "and will be removed in 1.11."
    )(property(read))


class SVC(ClassifierMixin, BaseEstimator):
    """Kernel support vector classifier, solved by SMO on the CPU or a GPU.

    Solves the dual of the soft-margin SVM of scikit-learn's (libsvm's)
    ``SVC`` for each binary problem::

        min_alpha  1/2 alpha^T Q alpha - sum_i alpha_i
        s.t.       sum_i y_i alpha_i = 0,  0 <= alpha_i <= C_i

    with ``Q_ij = y_i y_j k(x_i, x_j)`` and ``C_i`` = ``C`` times the sample
    weight times the class weight of sample ``i``, by Sequential Minimal
    Optimization with second-order working-set selection [1]_, shrinking and
    a kernel-row cache, as libsvm [2]_. The decision function of a binary
    problem is ``sum_i y_i alpha_i k(x_i, x) + b``. See the :ref:`user guide
    <svm>`.

    Parameters
    ----------
    C : float, default=1.0
        Cost of a margin violation, > 0; ``np.inf`` gives the hard margin.
        Smaller values regularise more.

    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"} or callable, \
            default="rbf"
        ``"linear"``: ``x . z``; ``"poly"``: ``(gamma x . z + coef0) ** degree``;
        ``"rbf"``: ``exp(-gamma ||x - z||^2)``; ``"sigmoid"``:
        ``tanh(gamma x . z + coef0)``. ``"precomputed"``: X is the Gram matrix
        (n_samples, n_samples) in fit and (n_test, n_samples) in predict. A
        callable ``k(A, B)`` returns the kernel matrix between the rows of two
        arrays; it is called on blocks of rows, never on all pairs at once,
        unless X is not numeric (a list of strings, say): then, as in
        scikit-learn, it is called once on all of X, the training samples are
        kept for predictions and ``support_vectors_`` is empty.

    degree : int, default=3
        Degree of the ``"poly"`` kernel.

    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient of ``"rbf"``, ``"poly"`` and ``"sigmoid"``, >= 0.
        ``"scale"``: ``1 / (n_features * X.var())`` (1 when X is constant);
        ``"auto"``: ``1 / n_features``.

    coef0 : float, default=0.0
        Constant term of ``"poly"`` and ``"sigmoid"``.

    shrinking : bool, default=True
        Temporarily leave out the variables that sit at a bound and would stay
        there (libsvm's shrinking); faster, same solution.

    probability : bool, default=False
        Fit Platt's sigmoid to each machine's decision values by libsvm's
        5-fold cross-validation (five more fits per machine), enabling
        :meth:`predict_proba` and :meth:`predict_log_proba`. Deprecated in
        scikit-learn 1.9, and accepted here with the same FutureWarning (given
        explicitly, even as False): prefer
        ``CalibratedClassifierCV(SVC(), ensemble=False)``.

    tol : float, default=1e-3
        Stop when ``m(alpha) - M(alpha) <= tol``, libsvm's rule: the largest
        violation of the optimality (KKT) conditions by a pair of variables.

    cache_size : float, default=200
        Memory of the kernel-row cache in MB, per binary problem.

    class_weight : dict, "balanced" or None, default=None
        Multiplies C for the samples of each class; ``"balanced"`` uses
        ``n_samples / (n_classes * np.bincount(y))``.

    verbose : int, default=0
        Print a line per binary problem if positive.

    max_iter : int, default=-1
        Pair updates per binary problem at most; -1 for no limit. A problem
        stopped by it gives a ConvergenceWarning and ``fit_status_ = 1``; the
        model is usable.

    decision_function_shape : {"ovr", "ovo"}, default="ovr"
        With ``multiclass="ovo"`` and more than two classes,
        ``decision_function`` returns the one-vs-one values (``"ovo"``) or
        the votes of each class plus a tie-breaking transformed confidence
        (``"ovr"``), as scikit-learn does.

    multiclass : {"ovo", "ovr"}, default="ovo"
        How more than two classes are learned: one machine per pair of
        classes (``"ovo"``, libsvm's and scikit-learn's way) or one machine
        per class against the rest (``"ovr"``, fewer but larger problems).

    break_ties : bool, default=False
        With ``multiclass="ovo"``, ``decision_function_shape="ovr"`` and
        more than two classes, predict the class with the largest
        ``decision_function`` instead of the most votes (ties of votes then go
        to the class with the largest confidence; otherwise to the first).

    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle of the cross-validation folds of ``probability``
        (the solvers are deterministic); the same seed gives the same folds as
        scikit-learn's ``SVC``.

    device : str, torch.device or None, default=None
        Where to compute: ``"auto"``, ``"cpu"``, ``"cuda"``,
        ``"cuda:<index>"`` or a :class:`torch.device`; ``None`` uses
        :func:`skdl.set_config`. On the CPU, fit runs libsvm's solver (numba
        with BLAS kernel rows); on a GPU the blocked solver (kernel blocks as
        matrix products). Predictions run on ``device``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    class_weight_ : ndarray of shape (n_classes,)
        Multiplier of C for each class.

    support_ : ndarray of shape (n_SV,), dtype=int32
        Indices of the support vectors, grouped by class (in the order of
        ``classes_``), in sample order within a class. As in scikit-learn
        (libsvm's numbering), they index the training samples of positive
        weight: ``X[sample_weight > 0][support_]`` are the support vectors.

    support_vectors_ : ndarray of shape (n_SV, n_features)
        The support vectors (empty for a precomputed kernel, as in
        scikit-learn).

    n_support_ : ndarray of shape (n_classes,), dtype=int32
        Support vectors per class.

    dual_coef_ : ndarray of shape (n_classes - 1, n_SV) or (n_classes, n_SV)
        ``y_i alpha_i`` of the support vectors in each machine, in
        scikit-learn's layout. Two classes: one row, the machine scoring
        ``classes_[1]``. ``multiclass="ovo"``: libsvm's layout: the
        coefficients of the support vectors of class ``i`` in the machine of
        the pair ``(i, j)`` are in row ``j - 1``, those of class ``j`` in
        row ``i``. ``multiclass="ovr"`` (more than two classes): row ``k`` is
        the machine "class k versus the rest" (zeros for the support vectors it
        does not use).

    intercept_ : ndarray of shape (n_machines,)
        Constant of each machine's decision function: one for two classes,
        ``n_classes * (n_classes - 1) / 2`` for ``"ovo"`` (pairs in the
        order (0, 1), (0, 2), ..., (1, 2), ...), ``n_classes`` for ``"ovr"``.

    probA_, probB_ : ndarray of shape (n_machines,)
        Platt's ``A`` and ``B`` of each machine (``P = 1 / (1 + exp(A f +
        B))``, ``f`` in libsvm's sign: positive for the first class of the
        pair); empty unless ``probability=True``. Deprecated, as in
        scikit-learn 1.9.

    fit_status_ : int
        0 if every machine converged, 1 if ``max_iter`` stopped one.

    n_iter_ : ndarray of shape (n_machines,), dtype=int32
        Pair updates of each machine.

    shape_fit_ : tuple of int
        Shape of the training X; ``(n_samples,)`` for non-numeric samples of
        a callable kernel that have no shape (a list of strings).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    See Also
    --------
    sklearn.svm.SVC : The scikit-learn estimator this one mirrors.
    skdl.svm.LinearSVC : Linear SVM, for many samples with a linear kernel.
    sklearn.calibration.CalibratedClassifierCV : Gives SVC probabilities
        (Platt scaling with ``method="sigmoid"``).

    Notes
    -----
    Solvers. On the CPU, libsvm's solver: WSS2 pair selection, shrinking and
    an LRU cache of kernel rows (float32 values, as libsvm's, so
    ``cache_size`` holds as many rows), the pair loop compiled with numba and
    each missing row computed with one BLAS product and a vectorised
    ``exp``. On a GPU (``device="cuda"``), the blocked solver: working sets
    of up to 1024 violating variables (fewer when their kernel rows would not
    fit scikit-learn's ``working_memory``) whose kernel rows are one matrix
    product, each
    subproblem solved by the same pair loop, the gradient updated with one
    more product; it stops at the same ``tol``. Both keep memory linear in
    the number of samples. Sparse X (any scipy format, converted to CSR)
    is never densified: kernel rows come from the sparse rows (numba), on
    the CPU solver whatever the device, and ``support_vectors_`` is sparse.

    ``probability=True`` follows libsvm: the same folds for the same
    ``random_state``, Lin, Lin and Weng's Newton method for the sigmoid
    [4]_, Wu, Lin and Weng's coupling of the pairwise probabilities [5]_.

    Differences from scikit-learn's ``SVC``: the ``multiclass`` parameter.

    References
    ----------
    .. [1] R.-E. Fan, P.-H. Chen and C.-J. Lin, "Working set selection using
       second order information for training support vector machines",
       JMLR 6, 2005.
    .. [2] C.-C. Chang and C.-J. Lin, "LIBSVM: a library for support vector
       machines", ACM TIST 2, 2011.
    .. [3] J. C. Platt, "Fast training of support vector machines using
       sequential minimal optimization", in Advances in Kernel Methods, 1999.
    .. [4] H.-T. Lin, C.-J. Lin and R. C. Weng, "A note on Platt's probabilistic
       outputs for support vector machines", Machine Learning 68, 2007.
    .. [5] T.-F. Wu, C.-J. Lin and R. C. Weng, "Probability estimates for
       multi-class classification by pairwise coupling", JMLR 5, 2004.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl.svm import SVC
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), SVC(device="cpu")).fit(X, y)
    >>> clf[-1].n_support_.tolist()
    [8, 22, 21]
    >>> clf.predict(X[[0, 50, 100]]).tolist()
    [0, 1, 2]
    >>> round(clf.score(X, y), 3)
    0.973
    """

    _parameter_constraints = {
        "C": [Interval(Real, 0.0, None, closed="right")],
        "kernel": [StrOptions({"linear", "poly", "rbf", "sigmoid", "precomputed"}), callable],
        "degree": [Interval(Integral, 0, None, closed="left")],
        "gamma": [StrOptions({"scale", "auto"}), Interval(Real, 0.0, None, closed="left")],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "shrinking": ["boolean"],
        "probability": ["boolean", Hidden(StrOptions({"deprecated"}))],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "cache_size": [Interval(Real, 0.0, None, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "verbose": ["verbose"],
        "max_iter": [Interval(Integral, -1, None, closed="left")],
        "decision_function_shape": [StrOptions({"ovo", "ovr"})],
        "multiclass": [StrOptions({"ovo", "ovr"})],
        "break_ties": ["boolean"],
        "random_state": ["random_state"],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        *,
        C=1.0,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        shrinking=True,
        probability="deprecated",
        tol=1e-3,
        cache_size=200,
        class_weight=None,
        verbose=0,
        max_iter=-1,
        decision_function_shape="ovr",
        multiclass="ovo",
        break_ties=False,
        random_state=None,
        device=None,
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.multiclass = multiclass
        self.break_ties = break_ties
        self.random_state = random_state
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        tags.input_tags.sparse = self.kernel != "precomputed"
        reason = (
            "gamma='scale' is 1 / (n_features * X.var()), and repeating rows changes "
            "X.var(), so the weighted and the repeated fits use different kernels; "
            "besides, the solver stops at tol=1e-3, and a sample of weight 2 and two "
            "copies of it are different dual problems (the copies split the weight) "
            "with one optimum, reached only to about tol (scikit-learn's SVC declares "
            "the same). tests/svm/test_svc.py checks the equivalence with a fixed "
            "gamma at a tight tol."
        )
        return with_xfail_checks(
            tags,
            {
                "check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason,
            },
        )

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training data; the Gram matrix for ``kernel="precomputed"``.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; it multiplies C. Samples of weight <= 0
            do not enter the problems (libsvm's rule).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            objects = None
            if sp.issparse(X) and self.kernel == "precomputed":
                raise TypeError("Sparse precomputed kernels are not supported.")
            try:
                if callable(self.kernel) and sp.issparse(X):
                    # A callable on sparse X: its Gram matrix, as scikit-learn.
                    raise TypeError
                X, y = validate_data(
                    self,
                    X,
                    y,
                    dtype=[np.float64, np.float32],
                    order="C",
                    accept_sparse="csr",
                    accept_large_sparse=False,
                )
            except (TypeError, ValueError):
                if not callable(self.kernel):
                    raise
                # A callable kernel takes any X scikit-learn's does (strings,
                # graphs, ...): its Gram matrix is then the precomputed kernel.
                objects = X
                X, y = self._gram_of_objects(X, y)
            self._objects_fit = objects
            sparse = sp.issparse(X)
            if sparse:
                X = X.copy() if not X.has_canonical_format else X
                X.sum_duplicates()
            precomputed = self.kernel == "precomputed" or objects is not None
            if precomputed and X.shape[0] != X.shape[1]:
                raise ValueError(
                    f"Precomputed matrix must be a square matrix. Input is a {X.shape[0]}x{X.shape[1]} matrix."
                )
            if self.kernel in ("linear", "poly", "rbf", "sigmoid"):
                _check_kernel_is_finite(X)
            check_classification_targets(y)
            classes, y_index = np.unique(y, return_inverse=True)
            check_binary_or_more_classes(classes)
            if self.multiclass == "ovr" and self.decision_function_shape == "ovo" and len(classes) > 2:
                raise ValueError(
                    "decision_function_shape='ovo' needs multiclass='ovo': one-vs-rest "
                    "machines give one value per class. Use decision_function_shape='ovr'."
                )
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, allow_all_zero_weights=True)
            # libsvm's rule: samples of weight <= 0 are left out.
            kept = sample_weight > 0
            if not kept.any():
                raise ValueError("Invalid input - all samples have zero or negative weights.")
            if len(np.unique(y_index[kept])) < 2:
                raise ValueError("Invalid input - all samples with positive weights belong to the same class.")
            class_weight = class_weights_of(self.class_weight, classes, y, None)
            costs = np.where(kept, self.C * sample_weight * class_weight[y_index], 0.0)
            weighted = np.unique(y_index[costs > 0])
            if len(weighted) < 2:
                which = "no class" if len(weighted) == 0 else f"one class, {classes[weighted[0]].tolist()!r}"
                raise ValueError(
                    "Invalid input: all samples with a positive weight (sample_weight "
                    f"times class_weight) belong to {which}. An SVM needs two classes."
                )
            # scikit-learn draws libsvm's seed at every fit, used or not.
            seed = check_random_state(self.random_state).randint(np.iinfo("i").max)
            probability = self.probability is True
            if self.probability != "deprecated":
                warnings.warn(
                    "The `probability` parameter was deprecated in 1.9 and will be "
                    "removed in version 1.11. Use `CalibratedClassifierCV(SVC(), "
                    "ensemble=False)` instead of `SVC(probability=True)`",
                    FutureWarning,
                    stacklevel=2,
                )
            spec = KernelSpec("precomputed", gamma=0.0) if objects is not None else self._kernel_spec(X)
            device = resolve_device(self.device)
            problems = list(self._problems(y_index, len(classes), costs))
            solve = self._solver(X, problems, spec, device)
            with single_threaded_blas():
                machines = [solve(*problem) for problem in problems]
                platt = (
                    self._platt_parameters(X, problems, solve, spec, seed)
                    if probability
                    else (np.empty(0), np.empty(0))
                )
            attributes = self._assemble(machines, X, y_index, len(classes), precomputed)
        self._probA, self._probB = platt
        (support, self.support_vectors_, n_support, dual_coef, intercept, self.n_iter_, self.fit_status_) = attributes
        # Prediction reads the training indices of the support vectors and
        # libsvm's internal coefficients, as scikit-learn's does (so changing
        # ``_dual_coef_`` changes predictions); ``support_`` counts only the
        # samples of positive weight, libsvm's numbering.
        self._support_train = support
        self.support_ = (np.cumsum(kept) - 1)[support].astype(np.int32)
        self._n_support = self.n_support_ = n_support
        self._dual_coef_, self._intercept_ = dual_coef, intercept
        binary = len(classes) == 2
        # scikit-learn's sign for two classes: positive scores classes_[1].
        self.dual_coef_ = -dual_coef if binary else dual_coef
        self.intercept_ = -intercept if binary else intercept.copy()
        self.classes_ = classes
        self.class_weight_ = class_weight
        self.shape_fit_ = X.shape if objects is None else getattr(objects, "shape", (len(y),))
        self._gamma = spec.gamma
        if self.fit_status_:
            if any(solution.stalled for _, _, solution in machines):
                cause = (
                    f"the solver stalled before reaching tol={self.tol} (a working set "
                    "in which no pair could move), not because of max_iter"
                )
            else:
                cause = f"max_iter={self.max_iter}"
            warnings.warn(
                f"Solver terminated early ({cause}).  Consider "
                "pre-processing your data with StandardScaler or MinMaxScaler.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _gram_of_objects(self, X, y):
        """``(K, y)``: the callable kernel's Gram matrix of non-numeric samples."""
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        return self._call_on_objects(X, X), y

    def _call_on_objects(self, A, B):
        """``kernel(A, B)`` for non-numeric samples, its shape checked."""
        K = np.asarray(self.kernel(A, B), dtype=np.float64)
        expected = (_num_samples(A), _num_samples(B))
        if K.shape != expected:
            name = getattr(self.kernel, "__name__", repr(self.kernel))
            raise ValueError(
                f"The kernel {name} returned an array of shape {K.shape}; it must "
                f"return the matrix of shape {expected}."
            )
        return np.ascontiguousarray(K)

    def _kernel_spec(self, X=None, gamma=None):
        """The kernel with its gamma resolved (scikit-learn's definitions).

        ``gamma``: the value resolved at fit (predictions); when None, it is
        resolved from the training samples ``X``.
        """
        if callable(self.kernel):
            return KernelSpec("callable", function=self.kernel)
        if self.kernel == "precomputed":
            return KernelSpec("precomputed", gamma=0.0)
        if gamma is None:
            gamma = self._gamma_from(X)
        return KernelSpec(self.kernel, gamma=gamma, coef0=float(self.coef0), degree=int(self.degree))

    def _gamma_from(self, X):
        """The value of ``gamma`` for the training samples ``X``."""
        if self.gamma == "scale":
            if sp.issparse(X):
                # E[X^2] - E[X]^2, scikit-learn's formula for sparse X.
                variance = float(X.multiply(X).mean() - X.mean() ** 2)
            else:
                variance = float(X.astype(np.float64, copy=False).var())
            return 1.0 / (X.shape[1] * variance) if variance != 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _problems(self, y_index, n_classes, costs):
        """``(indices, labels in {-1, +1}, bounds)`` of each binary problem.

        Only samples of positive cost enter. ``"ovo"`` (or two classes): one
        problem per pair ``(a, b)``, ``a < b``, class ``a`` labelled +1, its
        samples first (libsvm's order); ``"ovr"``: class ``k`` against the rest.
        A problem missing one of its sides is given as ``(None, sign, None)``:
        a constant machine voting for the side that is there.
        """
        members = [np.flatnonzero((y_index == k) & (costs > 0)) for k in range(n_classes)]
        if n_classes == 2 or self.multiclass == "ovo":
            for a in range(n_classes):
                for b in range(a + 1, n_classes):
                    if len(members[a]) == 0 or len(members[b]) == 0:
                        yield None, (1.0 if len(members[a]) else -1.0), None
                        continue
                    index = np.concatenate([members[a], members[b]])
                    labels = np.r_[np.ones(len(members[a])), -np.ones(len(members[b]))]
                    yield index, labels, costs[index]
            return
        index = np.flatnonzero(costs > 0)
        for k in range(n_classes):
            labels = np.where(y_index[index] == k, 1.0, -1.0)
            if len(members[k]) == 0:
                yield None, -1.0, None
                continue
            yield index, labels, costs[index]

    def _solver(self, X, problems, spec, device):
        """The function ``(index, labels, bounds) -> (index, labels, Solution)``
        that solves one binary problem on ``device``'s route."""
        if choose_route(device) == "blocked" and not sp.issparse(X):
            data_t = to_tensor(X, device)
            return lambda *problem: self._solve_blocked(X, data_t, *problem, spec, device)
        # The cache's memory is allocated once for the largest problem and reused
        # (also by the cross-validation of ``probability``, on smaller problems).
        sizes = [len(index) for index, _, _ in problems if index is not None]
        buffer = np.empty(max(self._cache_rows(n) * n for n in sizes), dtype=_CACHE_DTYPE)
        return lambda *problem: self._solve_cached(X, *problem, spec, buffer)

    def _platt_parameters(self, X, problems, solve, spec, seed):
        """libsvm's ``(probA, probB)``: a sigmoid per machine fitted by 5-fold CV.

        Each machine's samples are shuffled (the same shuffle as scikit-learn's
        libsvm for the same seed), split into 5 folds, and each fold gets the
        decision values of the machine trained on the other four with the same
        bounds; :func:`sigmoid_train` fits ``A, B`` to them. The sign is
        libsvm's: positive decision values favour the +1 side of the problem
        (the first class of an ovo pair).
        """
        prob_a, prob_b = [], []
        for index, labels, bounds in problems:
            if index is None:
                # A constant machine: a probability of 1/2 on its own; the
                # coupling then follows the other machines.
                prob_a.append(0.0)
                prob_b.append(0.0)
                continue
            n = len(index)
            perm = fold_permutation(n, seed)
            decision = np.empty(n)
            for begin, end in fold_bounds(n):
                held = perm[begin:end]
                train = np.concatenate([perm[:begin], perm[end:]])
                sides = labels[train] > 0
                if sides.all() or not sides.any():
                    # libsvm: a fold trained on one side gives that side's sign
                    # (0 when the training part is empty).
                    decision[held] = (1.0 if sides.any() else -1.0) if len(train) else 0.0
                    continue
                _, _, solution = solve(index[train], labels[train], bounds[train])
                sv = solution.alpha > 0
                coef = (solution.alpha * labels[train])[sv]
                decision[held] = self._decision_between(X, index[held], index[train][sv], coef, solution.rho, spec)
            a, b = sigmoid_train(decision, labels > 0)
            prob_a.append(a)
            prob_b.append(b)
        return np.array(prob_a), np.array(prob_b)

    @staticmethod
    def _decision_between(X, rows, support, coef, rho, spec):
        """``sum_s coef_s k(X[r], X[s]) - rho`` for training samples ``r``."""
        if spec.name == "precomputed":
            return X[np.ix_(rows, support)].astype(np.float64) @ coef - rho
        if sp.issparse(X):
            return sparse_decision_values(
                X[rows], X[support], coef[:, None], np.array([-rho]), spec, chunk_rows=len(rows)
            )[:, 0]
        return np.asarray(pairwise(X[rows], X[support], spec), dtype=np.float64) @ coef - rho

    def _cache_rows(self, n):
        """Kernel rows of ``n`` values that ``cache_size`` MB hold (at least 2)."""
        row_bytes = n * np.dtype(_CACHE_DTYPE).itemsize
        return max(2, min(n, int(self.cache_size * 2**20 // row_bytes)))

    def _solve_cached(self, X, index, labels, bounds, spec, buffer):
        """One binary problem by the CPU solver; ``(index, labels, Solution)``."""
        if index is None:
            return None, None, _constant_machine(labels)
        n = len(index)
        chunk_rows = min(
            chunk_size(bytes_per_row=2 * n * X.dtype.itemsize, n_rows=n),
            max(1, _BLOCK_BYTES // (n * X.dtype.itemsize)),
        )
        if spec.name == "precomputed":
            rows = PrecomputedRows(X, index)
        elif sp.issparse(X):
            rows = SparseRows(X, spec, index)
        else:
            rows = FeatureRows(X, spec, index)
        QD = rows.diagonal(chunk_rows).astype(np.float64)
        self._check_diagonal(QD)
        solution = solve_cached(
            rows,
            labels,
            bounds,
            QD,
            tol=self.tol,
            max_iter=self.max_iter,
            shrinking=self.shrinking,
            cache_rows=self._cache_rows(n),
            chunk_rows=chunk_rows,
            cache_dtype=_CACHE_DTYPE,
            buffer=buffer,
        )
        self._report(n, solution)
        return index, labels, solution

    def _solve_blocked(self, X, data_t, index, labels, bounds, spec, device):
        """One binary problem by the blocked solver; ``(index, labels, Solution)``."""
        if index is None:
            return None, None, _constant_machine(labels)
        n = len(index)
        chunk_rows = chunk_size(bytes_per_row=2 * n * X.itemsize, n_rows=n)
        index_t = index_tensor(index, device)
        rows = (
            PrecomputedTensorRows(data_t, index_t) if spec.name == "precomputed" else TensorRows(data_t[index_t], spec)
        )
        self._check_diagonal(to_numpy(rows.diagonal(chunk_rows)))
        solution = solve_blocked(
            rows,
            to_tensor(labels, device, np.float64),
            to_tensor(bounds, device, np.float64),
            tol=self.tol,
            max_iter=self.max_iter,
            block_size=max(2, min(_BLOCK_SIZE, chunk_rows)),
        )
        self._report(n, solution)
        return index, labels, solution

    def _report(self, n, solution):
        if self.verbose:
            print(
                f"[SVC] problem of {n} samples: {solution.n_iter} iterations, "
                f"objective {solution.objective:.6g}, rho {solution.rho:.6g}, "
                f"{int((solution.alpha > 0).sum())} support vectors"
            )

    @staticmethod
    def _check_diagonal(QD):
        if not np.isfinite(QD).all():
            raise ValueError(
                "The kernel gives non-finite values k(x, x); the input may contain "
                "large values and need to be rescaled (e.g. with StandardScaler)."
            )

    def _assemble(self, machines, X, y_index, n_classes, precomputed):
        """scikit-learn's fitted attributes from the machines' solutions."""
        n = len(y_index)
        coefs = []
        is_sv = np.zeros(n, dtype=bool)
        for index, labels, solution in machines:
            coef = np.zeros(n)
            if index is not None:
                coef[index] = solution.alpha * labels
            coefs.append(coef)
            is_sv |= coef != 0
        # Support vectors grouped by class, in sample order within a class.
        support = np.concatenate([np.flatnonzero(is_sv & (y_index == k)) for k in range(n_classes)]).astype(np.int32)
        n_support = np.bincount(y_index[support], minlength=n_classes).astype(np.int32)
        intercept = np.array([-solution.rho for _, _, solution in machines])
        ovo = n_classes == 2 or self.multiclass == "ovo"
        if n_classes == 2:
            # libsvm's sign: positive scores classes_[0].
            dual_coef = coefs[0][support][None, :]
        elif ovo:
            dual_coef = np.zeros((n_classes - 1, len(support)))
            sv_class = y_index[support]
            p = 0
            for a in range(n_classes):
                for b in range(a + 1, n_classes):
                    in_a, in_b = sv_class == a, sv_class == b
                    dual_coef[b - 1, in_a] = coefs[p][support[in_a]]
                    dual_coef[a, in_b] = coefs[p][support[in_b]]
                    p += 1
        else:
            dual_coef = np.vstack([coef[support] for coef in coefs])
        n_iter = np.array([solution.n_iter for _, _, solution in machines], dtype=np.int32)
        fit_status = int(not all(solution.converged for _, _, solution in machines))
        if not (np.isfinite(dual_coef).all() and np.isfinite(intercept).all()):
            raise ValueError(
                "The dual coefficients or intercepts are not finite. The input data may "
                "contain large values and need to be preprocessed."
            )
        if precomputed:
            support_vectors = np.empty((0, 0))
        else:
            # Sparse X gives sparse support vectors, as in scikit-learn.
            support_vectors = X[support].astype(np.float64)
        return support, support_vectors, n_support, dual_coef, intercept, n_iter, fit_status

    # -------------------------------------------------------------- predict

    def _machine_weights(self):
        """``(W, b)``: decision of machine m is ``K(X, SV) @ W[:, m] + b[m]``.

        Read from libsvm's internal ``_dual_coef_``, ``_intercept_`` and
        ``_n_support``. For ``"ovo"`` with more than two classes, libsvm's
        sign (positive votes for the first class of the pair); otherwise
        scikit-learn's.
        """
        n_classes = len(self.classes_)
        if n_classes == 2:
            return -self._dual_coef_.T, -self._intercept_
        if self.multiclass == "ovr":
            return self._dual_coef_.T, self._intercept_
        starts = np.r_[0, np.cumsum(self._n_support)]
        W = np.zeros((self._dual_coef_.shape[1], len(self._intercept_)))
        p = 0
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                sv_a = slice(starts[a], starts[a + 1])
                sv_b = slice(starts[b], starts[b + 1])
                W[sv_a, p] = self._dual_coef_[b - 1, sv_a]
                W[sv_b, p] = self._dual_coef_[a, sv_b]
                p += 1
        return W, self._intercept_

    def _check_representation(self):
        """scikit-learn's check that the fitted arrays were not altered
        inconsistently (``n_support_`` must count the support vectors)."""
        n_sv = self.support_vectors_.shape[0] if self.support_vectors_.size else len(self._support_train)
        if self._n_support.sum() != n_sv or self._dual_coef_.shape[1] != n_sv:
            raise ValueError(f"The internal representation of {type(self).__name__} was altered")

    def _raw_decision(self, X):
        """Decision values of every machine, shape (n_samples, n_machines)."""
        self._check_representation()
        if getattr(self, "_objects_fit", None) is not None:
            spec = KernelSpec("precomputed", gamma=0.0)
            # The kernel with every training sample, as scikit-learn calls it.
            X = self._call_on_objects(X, self._objects_fit)[:, self._support_train]
        else:
            X = validate_data(
                self,
                X,
                dtype=[np.float64, np.float32],
                order="C",
                reset=False,
                accept_sparse="csr",
                accept_large_sparse=False,
            )
            spec = self._kernel_spec(gamma=self._gamma)
            if sp.issparse(X) or sp.issparse(self.support_vectors_):
                return self._sparse_decision(X, spec)
            if spec.name == "precomputed":
                X = X[:, self._support_train]
            elif spec.on_features:
                check_squares_are_finite(X, "dot products and squared distances to the support vectors")
        device = resolve_device(self.device, fallback_to_cpu=True)
        dtype = compute_dtype(X)
        W, b = self._machine_weights()
        n_sv = len(self._support_train)
        chunk_rows = chunk_size(bytes_per_row=2 * max(n_sv, 1) * X.itemsize, n_rows=len(X))
        X_t = to_tensor(X, device)
        sv_t = None if spec.name == "precomputed" else to_tensor(self.support_vectors_, device, dtype)
        values = decision_values(
            X_t,
            sv_t,
            to_tensor(W, device, dtype),
            to_tensor(b, device, dtype),
            spec,
            chunk_rows,
            sv_sq=None if sv_t is None or spec.name != "rbf" else sq_norms(sv_t),
        )
        return to_numpy(values).astype(np.float64)

    def _sparse_decision(self, X, spec):
        """:meth:`_raw_decision` of a model fitted on sparse X (on the CPU)."""
        if not sp.issparse(self.support_vectors_):
            raise ValueError(f"cannot use sparse input in {type(self).__name__!r} trained on dense data")
        X = sp.csr_matrix(X)
        check_squares_are_finite(X, "dot products and squared distances to the support vectors")
        W, b = self._machine_weights()
        chunk_rows = chunk_size(bytes_per_row=2 * max(len(self._support_train), 1) * 8, n_rows=X.shape[0])
        return sparse_decision_values(X, sp.csr_matrix(self.support_vectors_), W, b, spec, chunk_rows)

    def decision_function(self, X):
        """Decision values of the samples in X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples_fit)
            Samples; for ``kernel="precomputed"``, their kernel with the
            training samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,), (n_samples, n_classes) or \
                (n_samples, n_classes * (n_classes - 1) / 2)
            Two classes: the score of ``classes_[1]``. ``multiclass="ovr"``:
            one score per class. ``"ovo"``: see ``decision_function_shape``.
        """
        check_is_fitted(self)
        dec = self._raw_decision(X)
        n_classes = len(self.classes_)
        if n_classes == 2:
            return dec[:, 0]
        if self.multiclass == "ovo" and self.decision_function_shape == "ovr":
            return _ovr_decision_function(dec < 0, -dec, n_classes)
        return dec

    def predict(self, X):
        """Predict the class of the samples in X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples_fit)
            Samples; for ``kernel="precomputed"``, their kernel with the
            training samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        n_classes = len(self.classes_)
        dec = self._raw_decision(X)
        if n_classes == 2:
            # libsvm's rule: a score of exactly 0 goes to classes_[1].
            return self.classes_[(dec[:, 0] >= 0).astype(np.intp)]
        if self.multiclass == "ovr":
            return self.classes_[np.argmax(dec, axis=1)]
        if self.break_ties and self.decision_function_shape == "ovr":
            scores = _ovr_decision_function(dec < 0, -dec, n_classes)
            return self.classes_[np.argmax(scores, axis=1)]
        # libsvm's vote: the pair (a, b) votes a when its value is > 0; the
        # first class with the most votes wins.
        votes = np.zeros((len(dec), n_classes), dtype=np.int64)
        p = 0
        rows = np.arange(len(dec))
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                votes[rows, np.where(dec[:, p] > 0, a, b)] += 1
                p += 1
        return self.classes_[np.argmax(votes, axis=1)]

    def _check_proba(self):
        if self.probability == "deprecated" or not self.probability:
            raise AttributeError("predict_proba is not available when probability=False")
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Probability of each class for the samples in X (``probability=True``).

        Platt's sigmoid of each machine's decision value, its parameters
        fitted by 5-fold cross-validation during fit; with more than two
        classes, the pairwise probabilities coupled by Wu, Lin and Weng's
        method (libsvm's), or, for ``multiclass="ovr"``, the sigmoids of the
        one-vs-rest machines normalised to sum to 1. The cross-validation
        makes them slightly inconsistent with :meth:`predict` at times.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples_fit)
            As for :meth:`decision_function`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        if self._probA.size == 0:
            raise NotFittedError("predict_proba is not available when fitted with probability=False")
        dec = self._raw_decision(X)
        n_classes = len(self.classes_)
        if n_classes == 2:
            # libsvm's sign: positive favours classes_[0].
            dec = -dec
        pairwise_proba = sigmoid_predict(dec, self._probA, self._probB)
        if n_classes > 2 and self.multiclass == "ovr":
            return pairwise_proba / pairwise_proba.sum(axis=1, keepdims=True)
        return ovo_probabilities(pairwise_proba, n_classes)

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``probability=True``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples_fit)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    probA_ = _platt_attribute("A")
    probB_ = _platt_attribute("B")

    @property
    def coef_(self):
        """Weights of the features in each machine (``kernel="linear"`` only).

        Returns
        -------
        coef : ndarray of shape (n_machines, n_features)
        """
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self)
        W, _ = self._machine_weights()
        if sp.issparse(self.support_vectors_):
            # Sparse support vectors give a sparse coef_, as in scikit-learn.
            return type(self.support_vectors_)((self.support_vectors_.T @ W).T)
        coef = W.T @ self.support_vectors_
        coef.flags.writeable = False
        return coef
