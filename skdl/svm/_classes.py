"""Support vector classifiers: :class:`LinearSVC`."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets

from .._device import DEVICE_CONSTRAINT, resolve_device, to_numpy, to_tensor
from ..linear_model._base import LinearClassifierMixin, SparseCoefMixin
from ..linear_model._losses import Design
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from ..utils._tags import with_xfail_checks
from ..utils._threads import one_torch_thread
from ..utils._validation import (
    check_binary_or_more_classes,
    check_squares_are_finite,
    class_weights_of,
    unchanged_on_error,
)
from ._linear import crammer_singer_cd, dual_cd, l1_squared_hinge, l2_squared_hinge_newton

# liblinear's (penalty, loss) pairs and the formulations it solves them in.
_LIBLINEAR_DUALS = {
    ("l2", "squared_hinge"): (True, False),
    ("l2", "hinge"): (True,),
    ("l1", "squared_hinge"): (False,),
}


def _check_liblinear_combination(penalty, loss, dual):
    """scikit-learn's error for a (penalty, loss, dual) liblinear cannot solve."""
    duals = _LIBLINEAR_DUALS.get((penalty, loss))
    if duals is not None and dual in duals:
        return
    if duals is None:
        error = f"The combination of penalty='{penalty}' and loss='{loss}' is not supported"
    else:
        error = f"The combination of penalty='{penalty}' and loss='{loss}' are not supported when dual={dual}"
    raise ValueError(
        f"Unsupported set of arguments: {error}, Parameters: penalty={penalty!r}, loss={loss!r}, dual={dual!r}"
    )


def _resolve_dual(dual, penalty, loss, X):
    """``dual="auto"`` as scikit-learn resolves it: the dual when n_samples < n_features
    (if liblinear has it for this loss and penalty), the primal otherwise (if it has
    that)."""
    if dual != "auto":
        return dual
    duals = _LIBLINEAR_DUALS.get((penalty, loss), ())
    if X.shape[0] < X.shape[1]:
        return True in duals
    return False not in duals


class LinearSVC(SparseCoefMixin, LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Linear support vector classifier: one-vs-rest or Crammer-Singer.

    Solves, for each class against the rest (one problem for two classes),
    the primal problem of scikit-learn's (liblinear's) ``LinearSVC``::

        min_w  P(w) + C sum_i s_i xi_i(w)

    where ``xi_i`` is the hinge ``max(0, 1 - y_i f(x_i))`` or its square,
    ``P`` is ``||w||^2 / 2`` (L2) or ``|w|_1`` (L1) and ``s_i`` the sample
    weight times the class weight. As in liblinear, the intercept is the
    weight of an extra constant feature of value ``intercept_scaling`` and is
    penalised like the other weights, so the objective (and the solution)
    matches scikit-learn's. ``multi_class="crammer_singer"`` instead solves
    Crammer and Singer's joint problem over all classes::

        min_W  sum_m ||w_m||^2 / 2 + C sum_i s_i max_m (e_im + w_m x_i - w_{y_i} x_i)

    with ``e_im`` 0 for ``m = y_i`` and 1 otherwise (the hinge loss, the L2
    penalty, the same penalised intercept). See the :ref:`user guide
    <linear_models>`.

    Parameters
    ----------
    penalty : {"l1", "l2"}, default="l2"
        ``"l1"`` gives sparse coefficients and needs
        ``loss="squared_hinge"``.

    loss : {"hinge", "squared_hinge"}, default="squared_hinge"
        The loss of a margin violation.

    dual : "auto" or bool, default="auto"
        Solve the dual (True) or the primal (False) problem. ``"auto"``
        chooses as scikit-learn does: the dual when ``n_samples <
        n_features`` and the primal otherwise, where liblinear has that
        formulation for the loss and penalty (the hinge loss has only the
        dual, the L1 penalty only the primal). An unsupported combination
        raises scikit-learn's ValueError. Ignored with
        ``multi_class="crammer_singer"``, as ``penalty`` and ``loss``.

    C : float, default=1.0
        Cost of the margin violations, > 0. Smaller values regularise more.

    tol : float, default=1e-4
        Stopping tolerance, as liblinear's: for the hinge loss (dual
        coordinate descent), on the spread of the projected dual gradient;
        for the squared hinge with L2 (primal Newton), on the gradient norm
        relative to its first value; for L1 (proximal gradient), on the
        gradient mapping relative to its first value; for Crammer-Singer, on
        the largest violation of the optimality conditions in a pass.

    multi_class : {"ovr", "crammer_singer"}, default="ovr"
        ``"ovr"`` solves one binary problem per class against the rest (one
        for two classes); ``"crammer_singer"`` one joint problem over all
        classes, by dual coordinate descent (Keerthi et al. [3]_). With
        ``"crammer_singer"``, ``penalty``, ``loss`` and ``dual`` are ignored.

    fit_intercept : bool, default=True
        Fit an intercept.

    intercept_scaling : float, default=1.0
        Value of the constant feature whose weight is the intercept
        (``intercept_ = intercept_scaling * w_b``). A larger value penalises
        the intercept less.

    class_weight : dict, "balanced" or None, default=None
        Multiplies C per class; ``"balanced"`` uses ``n_samples /
        (n_classes * np.bincount(y))``, or its weighted equivalent when
        ``sample_weight`` is given. As in liblinear (and so in
        scikit-learn), with more than two classes the weight of class k
        applies in the problem "k versus rest" to the samples of class k
        only; with ``"crammer_singer"`` it multiplies the cost of the
        samples of class k.

    verbose : int, default=0
        Print the iterations of each binary problem if positive.

    random_state : int, RandomState instance or None, default=None
        Seeds the order of the coordinates of the dual solvers.

    max_iter : int, default=1000
        Maximum number of iterations (passes over the data) per binary
        problem.

    device : str, torch.device or None, default=None
        Where to compute: ``"auto"``, ``"cpu"``, ``"cuda"``,
        ``"cuda:<index>"`` or a :class:`torch.device`; ``None`` uses
        :func:`skdl.set_config`. The dual coordinate descent solvers (hinge
        loss, ``dual=True``, Crammer-Singer) are sequential loops that always
        run on the CPU (numba); the primal solvers and predictions run on
        ``device``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights; one row (for ``classes_[1]``) for a binary problem (with
        ``"crammer_singer"``, the difference of the two classes' rows, as
        scikit-learn).

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).

    n_iter_ : int
        Largest number of iterations over the binary problems (the passes of
        the joint problem with ``"crammer_singer"``).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    See Also
    --------
    sklearn.svm.LinearSVC : The scikit-learn estimator this one mirrors.
    skdl.linear_model.LogisticRegression : Linear classifier with the log
        loss and probabilities.

    Notes
    -----
    Solvers: the dual (hinge or squared hinge, L2) by coordinate descent
    with shrinking [1]_ (liblinear's method; one numba kernel for dense and
    CSR rows, on the CPU, float64); the squared hinge with L2 in the primal
    by truncated Newton (conjugate gradient on the generalised Hessian, as
    liblinear's primal solver); with L1 in the primal by accelerated
    proximal gradient. The primal solvers are torch code (CPU or GPU;
    float32 input computed in float32). ``coef_`` and ``intercept_`` are
    float64, as in scikit-learn. Dense or sparse CSR input. Crammer-Singer
    is liblinear's ``Solver_MCSVM_CS``: each sample's block of duals is
    solved exactly by sorting [3]_, with liblinear's shrinking (numba, one
    kernel for dense and CSR rows, on the CPU).

    References
    ----------
    .. [1] C.-J. Hsieh, K.-W. Chang, C.-J. Lin, S. S. Keerthi and
       S. Sundararajan, "A dual coordinate descent method for large-scale
       linear SVM", ICML 2008.
    .. [2] R.-E. Fan, K.-W. Chang, C.-J. Hsieh, X.-R. Wang and C.-J. Lin,
       "LIBLINEAR: a library for large linear classification", JMLR 2008.
    .. [3] S. S. Keerthi, S. Sundararajan, K.-W. Chang, C.-J. Hsieh and
       C.-J. Lin, "A sequential dual method for large scale multi-class
       linear SVMs", KDD 2008.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdl.svm import LinearSVC
    >>> X, y = make_classification(n_features=4, random_state=0)
    >>> clf = LinearSVC(random_state=0, device="cpu").fit(X, y)
    >>> clf.coef_.round(3)
    array([[0.086, 0.394, 0.498, 0.375]])
    >>> clf.intercept_.round(3)
    array([0.284])
    >>> clf.predict([[0, 0, 0, 0]]).tolist()
    [1]
    """

    _parameter_constraints = {
        "penalty": [StrOptions({"l1", "l2"})],
        "loss": [StrOptions({"hinge", "squared_hinge"})],
        "dual": ["boolean", StrOptions({"auto"})],
        "C": [Interval(Real, 0.0, None, closed="neither")],
        "multi_class": [StrOptions({"ovr", "crammer_singer"})],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [None, dict, StrOptions({"balanced"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        penalty="l2",
        loss="squared_hinge",
        *,
        dual="auto",
        C=1.0,
        tol=1e-4,
        multi_class="ovr",
        fit_intercept=True,
        intercept_scaling=1.0,
        class_weight=None,
        verbose=0,
        random_state=None,
        max_iter=1000,
        device=None,
    ):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.C = C
        self.tol = tol
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # The dual solver: always for the hinge loss, with dual="auto" when n_samples
        # < n_features (as in the checks' small data).
        dual_solver = self.penalty == "l2" and (self.loss == "hinge" or self.dual is not False)
        if self.multi_class == "crammer_singer" or dual_solver:
            reason = (
                "The dual coordinate descent stops at tol=1e-4 from the optimum and its "
                "path depends on the order of the samples, so weighting and repeating "
                "samples agree only to about tol, not to rtol=1e-7 (scikit-learn's "
                "LinearSVC declares the same). tests/svm/test_linear_svc.py checks the "
                "equivalence at a tight tol."
            )
            tags = with_xfail_checks(
                tags,
                {
                    "check_sample_weight_equivalence_on_dense_data": reason,
                    "check_sample_weight_equivalence_on_sparse_data": reason,
                },
            )
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; it multiplies C.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32], order="C")
            crammer_singer = self.multi_class == "crammer_singer"
            dual = _resolve_dual(self.dual, self.penalty, self.loss, X)
            if not crammer_singer:
                _check_liblinear_combination(self.penalty, self.loss, dual)
            check_classification_targets(y)
            # X.T @ D @ X overflows near the float limits: the solver would return a
            # meaningless model (scikit-learn's does; its liblinear hangs).
            check_squares_are_finite(X, "products of X with itself (X.T @ X)")
            classes = np.unique(y)
            check_binary_or_more_classes(classes)
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
            # One weight per class (ones without class_weight); "balanced" counts
            # weighted samples, as scikit-learn's LinearSVC.
            class_weights = class_weights_of(self.class_weight, classes, y, sample_weight)
            if not (sample_weight * class_weights[np.searchsorted(classes, y)]).any():
                raise ValueError("The sample weights (times the class weights) sum to zero.")
            device = resolve_device(self.device)
            if crammer_singer:
                result = self._fit_crammer_singer(X, y, classes, sample_weight, class_weights)
            else:
                result = self._fit_ovr(X, y, classes, sample_weight, class_weights, device, dual)
        self.classes_ = classes
        self.coef_, self.intercept_, self.n_iter_ = result
        return self

    def _problems(self, y, classes, sample_weight, class_weights):
        """``(positive label, labels in {-1, +1}, costs)`` of each binary problem.

        As in liblinear: for two classes each class's weight multiplies C for
        its samples; for one-vs-rest, the weight of class k multiplies C for
        the samples of class k only, the rest keep their sample weights.
        """
        y_index = np.searchsorted(classes, y)
        if len(classes) == 2:
            cost = self.C * sample_weight * class_weights[y_index]
            yield classes[1], np.where(y_index == 1, 1.0, -1.0), cost
            return
        for k, positive in enumerate(classes):
            is_positive = y_index == k
            cost = self.C * sample_weight * np.where(is_positive, class_weights[k], 1.0)
            yield positive, np.where(is_positive, 1.0, -1.0), cost

    def _fit_ovr(self, X, y, classes, sample_weight, class_weights, device, dual):
        """Solve one binary problem per class (one for two classes)."""
        bias = self.intercept_scaling if self.fit_intercept else 0.0
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        primal = l1_squared_hinge if self.penalty == "l1" else l2_squared_hinge_newton
        if dual and not hasattr(X, "tocsr"):
            X = np.ascontiguousarray(X, dtype=np.float64)
        full_design = None if dual else Design(X, device)
        rows, n_iters, converged = [], [], True
        for positive, y_pm, cost in self._problems(y, classes, sample_weight, class_weights):
            # Zero-cost samples do not enter the problem (as in liblinear).
            keep = cost > 0
            X_k, y_k, cost = (X, y_pm, cost) if keep.all() else (X[keep], y_pm[keep], cost[keep])
            if dual:
                w, n_iter = dual_cd(
                    X_k,
                    y_k,
                    cost,
                    bias=bias,
                    squared=self.loss == "squared_hinge",
                    max_iter=self.max_iter,
                    tol=self.tol,
                    seed=seed,
                )
                done = n_iter < self.max_iter
            else:
                design = full_design if keep.all() else Design(X_k, device)
                with one_torch_thread(device):
                    w, n_iter, done = primal(
                        design,
                        to_tensor(y_k, device, dtype=X.dtype),
                        to_tensor(cost, device, dtype=X.dtype),
                        bias=bias,
                        max_iter=self.max_iter,
                        tol=self.tol,
                    )
                w = to_numpy(w).astype(np.float64)
            if self.verbose:
                print(f"LinearSVC: class {positive} vs rest, {n_iter} iterations")
            rows.append(w)
            n_iters.append(n_iter)
            # scikit-learn warns whenever a problem used all max_iter iterations,
            # even when the last one met the tolerance.
            converged = converged and done and n_iter < self.max_iter
        coef, intercept = self._coefficients(np.vstack(rows), bias, converged)
        return coef, intercept, int(max(n_iters))

    def _fit_crammer_singer(self, X, y, classes, sample_weight, class_weights):
        """Solve Crammer and Singer's joint problem over all classes."""
        bias = self.intercept_scaling if self.fit_intercept else 0.0
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        if not hasattr(X, "tocsr"):
            X = np.ascontiguousarray(X, dtype=np.float64)
        y_index = np.searchsorted(classes, y)
        cost = self.C * sample_weight * class_weights[y_index]
        # Zero-cost samples do not enter the problem (as in liblinear).
        keep = cost > 0
        if not keep.all():
            X, y_index, cost = X[keep], y_index[keep], cost[keep]
        weights, n_iter = crammer_singer_cd(
            X,
            y_index,
            cost,
            len(classes),
            bias=bias,
            max_iter=self.max_iter,
            tol=self.tol,
            seed=seed,
        )
        if self.verbose:
            print(f"LinearSVC: Crammer-Singer, {n_iter} iterations")
        if len(classes) == 2:
            # One row for two classes, as scikit-learn: the margin of classes_[1].
            weights = weights[1:] - weights[:1]
        coef, intercept = self._coefficients(weights, bias, n_iter < self.max_iter)
        return coef, intercept, n_iter

    def _coefficients(self, weights, bias, converged):
        """``coef_`` and ``intercept_`` from weight rows whose last entry is the bias
        weight; scikit-learn's ConvergenceWarning when a solver stopped early."""
        if not converged:
            warnings.warn(
                "Liblinear failed to converge, increase the number of iterations.",
                ConvergenceWarning,
                stacklevel=4,
            )
        coef = np.ascontiguousarray(weights[:, :-1])
        intercept = bias * weights[:, -1] if self.fit_intercept else np.zeros(len(weights))
        if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
            raise ValueError("LinearSVC produced non-finite coefficients; scale the data.")
        return coef, intercept
