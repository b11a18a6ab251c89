"""Logistic regression (binary sigmoid, multinomial softmax) on the CPU or a CUDA GPU."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._device import DEVICE_CONSTRAINT, resolve_device, to_numpy, to_tensor, torch_generator
from ..utils._sklearn_compat import (
    Hidden,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from ..utils._threads import one_torch_thread, single_threaded_blas
from ..utils._validation import (
    check_binary_or_more_classes,
    check_squares_are_finite,
    class_weighted_sample_weight,
    unchanged_on_error,
)
from . import _liblinear, _loss_kernels, _sag, _solvers
from ._base import LinearClassifierMixin, SparseCoefMixin
from ._losses import Design, loss_value, predict_log_proba, predict_proba

_SMOOTH_SOLVERS = {
    "lbfgs": _solvers.lbfgs,
    "newton-cg": _solvers.newton_cg,
    "newton-cholesky": _solvers.newton,
    "newton": _solvers.newton,
}
# scikit-learn's solvers, then skdl's own ("newton" is the former name of
# "newton-cholesky").
_SKLEARN_SOLVERS = ("lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga")
_SOLVERS = _SKLEARN_SOLVERS + ("newton", "proximal", "sgd")
# Solvers with an L1 / elastic-net penalty, and those that take sparse X.
_L1_SOLVERS = ("liblinear", "saga", "proximal", "sgd")
_ELASTIC_NET_SOLVERS = ("saga", "proximal", "sgd")
_DENSE_ONLY_SOLVERS = ("sgd",)

_LOGISTIC_SOLVER_CONVERGENCE_MSG = (
    "Please also refer to the documentation for alternative solver options:\n"
    "    https://scikit-learn.org/stable/modules/linear_model.html"
    "#logistic-regression"
)


def _check_solver(solver, penalty, dual):
    """scikit-learn's solver x penalty x dual rules, with its messages."""
    if solver not in _L1_SOLVERS and penalty not in ("l2", None):
        raise ValueError(f"Solver {solver} supports only 'l2' or None penalties, got {penalty} penalty.")
    if solver != "liblinear" and dual:
        raise ValueError(f"Solver {solver} supports only dual=False, got dual={dual}")
    if penalty == "elasticnet" and solver not in _ELASTIC_NET_SOLVERS:
        raise ValueError(f"Only 'saga' solver supports elasticnet penalty, got solver={solver}.")
    if solver == "liblinear" and penalty is None:
        raise ValueError("C=np.inf as well as penalty=None is not supported for the liblinear solver")
    if solver == "liblinear" and penalty == "l1" and dual:
        raise ValueError(
            "Unsupported set of arguments: The combination of penalty='l1' and "
            "loss='logistic_regression' are not supported when dual=True, Parameters: "
            "penalty='l1', loss='logistic_regression', dual=True"
        )
    return solver


def _convergence_message(solver, n_iter, max_iter, tol, info):
    """The ConvergenceWarning text scikit-learn's same-named solver gives."""
    if info.get("fallback") == "lbfgs":  # newton-cholesky finished with lbfgs
        solver, n_iter, max_iter = "lbfgs", info["lbfgs_n_iter"], info["lbfgs_max_iter"]
    if solver == "lbfgs":
        message = (
            f"lbfgs failed to converge after {n_iter} iteration(s) "
            f"(status={info.get('status', 1)}):\n{info.get('message', '')}\n"
        )
        if n_iter == max_iter:
            message += f"\nIncrease the number of iterations to improve the convergence (max_iter={max_iter})."
        return (
            message + "\nYou might also want to scale the data as shown in:\n"
            "    https://scikit-learn.org/stable/modules/preprocessing.html\n" + _LOGISTIC_SOLVER_CONVERGENCE_MSG
        )
    if solver == "newton-cg":
        return f"newton-cg failed to converge at loss = {info.get('loss')}. Increase the number of iterations."
    if solver in ("newton-cholesky", "newton"):
        return f"Newton solver did not converge after {n_iter} iterations."
    if solver in ("sag", "saga"):
        return "The max_iter was reached which means the coef_ did not converge"
    if solver == "liblinear":
        return "Liblinear failed to converge, increase the number of iterations."
    return (
        f"solver={solver!r} did not converge in max_iter={max_iter} iterations (tol={tol}). "
        "Increase max_iter or scale the data, e.g. with StandardScaler."
    )


class LogisticRegression(SparseCoefMixin, LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression classifier, on the CPU or a CUDA GPU.

    Minimises scikit-learn's objective (>= 1.8 parametrisation)::

        sum_i s_i loss_i / S + ((1 - l1_ratio) / 2 ||W||^2 + l1_ratio |W|_1) / (C S)

    where ``loss_i`` is the log loss of sample i, ``s_i`` its weight
    (``sample_weight`` times the weight of its class) and ``S = sum_i s_i``;
    the minimiser is that of ``C sum_i s_i loss_i + penalty``. Two classes use
    the sigmoid, more classes the multinomial softmax (computed with the
    log-sum-exp shift). See the :ref:`user guide <linear_models>`.

    Parameters
    ----------
    penalty : {"l1", "l2", "elasticnet"} or None, default="deprecated"
        Deprecated (as in scikit-learn 1.8): use ``l1_ratio`` and ``C``.
        When given it overrides them with scikit-learn's meaning and
        FutureWarning: ``"l2"`` is ``l1_ratio=0``, ``"l1"`` is
        ``l1_ratio=1``, ``"elasticnet"`` uses ``l1_ratio``, ``None`` is
        ``C=np.inf``.

    C : float, default=1.0
        Inverse of the regularisation strength, > 0; ``np.inf`` gives no
        penalty. Smaller values regularise more.

    l1_ratio : float or None, default=0.0
        Elastic-net mixing, in [0, 1]: 0 is the L2 penalty, 1 the L1
        penalty, values between mix them. ``l1_ratio > 0`` (with finite
        ``C``) needs ``solver="saga"``, ``"proximal"`` or ``"sgd"``.
        ``None`` is deprecated (FutureWarning) and means 0.

    dual : bool, default=False
        Solve the dual problem (``solver="liblinear"`` with the L2 penalty
        only, as in scikit-learn); best when ``n_samples < n_features``.

    fit_intercept : bool, default=True
        Fit an intercept (never penalised).

    intercept_scaling : float, default=1
        Value of the synthetic constant feature of liblinear's intercept,
        > 0. Only ``solver="liblinear"`` uses it: its intercept is the
        weight of a constant feature of this value, penalised like the
        others, so a larger value regularises the intercept less. The other
        solvers never penalise the intercept.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, ``{label: weight}``; ``"balanced"`` uses
        ``n_samples / (n_classes * np.bincount(y))``, or its weighted
        equivalent when ``sample_weight`` is given. They multiply
        ``sample_weight``.

    solver : {"lbfgs", "newton-cg", "newton-cholesky", "sag", "saga", \
            "newton", "proximal", "sgd"}, default="lbfgs"
        - ``"lbfgs"``: quasi-Newton (SciPy's L-BFGS-B on the torch
          objective); L2 or no penalty; dense or sparse X.
        - ``"newton-cg"``: truncated Newton, conjugate gradient on
          Hessian-vector products (no Hessian formed), torch on the CPU or
          GPU; L2 or no penalty; dense or sparse X.
        - ``"newton-cholesky"`` (also ``"newton"``): Newton's method with
          the exact Hessian solved by Cholesky and a line search; L2 or no
          penalty; for small ``n_features * n_classes`` (sparse X is
          densified to form the Hessian). As scikit-learn's, it falls back
          to lbfgs (with a LinAlgWarning) when the Hessian is singular or
          very ill-conditioned.
        - ``"liblinear"``: liblinear's solvers of its problem, whose
          intercept is a penalised extra feature of value
          ``intercept_scaling``: trust-region Newton on the primal for
          ``l1_ratio=0``, dual coordinate descent with ``dual=True``,
          newGLMNET coordinate descent for ``l1_ratio=1``; two classes only
          (as scikit-learn 1.9); numba / NumPy on the CPU.
        - ``"sag"``, ``"saga"``: stochastic average gradient and SAGA,
          numba on the CPU, with scikit-learn's step size; ``"saga"`` takes
          any ``l1_ratio`` (proximal step); dense or sparse X, best on
          standardised features.
        - ``"proximal"``: accelerated proximal gradient (FISTA with
          restarts); any ``l1_ratio``; exact zeros for L1; dense or sparse X.
        - ``"sgd"``: mini-batch stochastic training with ``optimizer``,
          ``learning_rate``, ``lr_schedule``, ``batch_size`` and optional
          early stopping; any ``l1_ratio``; dense X.

    tol : float, default=1e-4
        Tolerance on the largest absolute entry of the gradient (of the
        gradient mapping for ``"proximal"``) for the full-batch solvers; for
        ``"sgd"``, the improvement of the epoch loss (or validation accuracy)
        below which an epoch counts as no improvement.

    max_iter : int, default=100
        Maximum number of iterations (epochs for ``"sgd"``).

    warm_start : bool, default=False
        Start from the previous solution when refitting with the same
        classes and features.

    optimizer : {"sgd", "momentum", "nesterov", "adagrad", "adadelta", \
            "rmsprop", "adam"}, default="adam"
        Update rule of ``solver="sgd"`` (momentum 0.9 for ``"momentum"`` and
        ``"nesterov"``; torch's defaults otherwise). For ``"adadelta"``,
        ``learning_rate`` scales the step (1.0 is the original method).

    learning_rate : float, default=0.01
        Base learning rate of ``solver="sgd"``.

    lr_schedule : {"constant", "step", "exponential", "inverse_time", \
            "cosine"}, default="constant"
        Learning rate at epoch t (after warm-up), with ``g = lr_decay``:
        constant ``lr``; step ``lr * g ** (t // lr_step_size)``; exponential
        ``lr * g ** t``; inverse_time ``lr / (1 + g t)``; cosine
        ``lr (1 + cos(pi t / T)) / 2`` with T the remaining epochs.

    lr_decay : float, default=0.9
        The ``g`` of the step, exponential and inverse-time schedules.

    lr_step_size : int, default=10
        Epochs between decays of the step schedule.

    warmup_epochs : int, default=0
        Epochs of linear warm-up from ``lr / (warmup_epochs + 1)`` to ``lr``
        before the schedule starts.

    batch_size : int or "auto", default="auto"
        Mini-batch size of ``solver="sgd"``: 1 is plain stochastic gradient,
        ``n_samples`` full batch; ``"auto"`` is ``min(200, n_samples)``.

    early_stopping : bool, default=False
        For ``solver="sgd"``: hold out ``validation_fraction`` of the
        training data (stratified) and stop when its accuracy has not
        improved by ``tol`` for ``n_iter_no_change`` epochs; the best
        coefficients seen are kept.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    n_iter_no_change : int, default=10
        Epochs without improvement before ``solver="sgd"`` stops.

    random_state : int, RandomState instance or None, default=None
        Seeds the sample draws of ``"sag"``/``"saga"`` and the shuffling
        and validation split of ``solver="sgd"``.

    verbose : int, default=0
        Print the objective at each iteration if positive.

    device : str, torch.device or None, default=None
        Where to compute: ``"auto"``, ``"cpu"``, ``"cuda"``,
        ``"cuda:<index>"`` or a :class:`torch.device`; ``None`` uses
        :func:`skdl.set_config`. Fitted attributes are NumPy arrays.
        ``"sag"`` and ``"saga"`` always run on the CPU.

    n_jobs : int or None, default=None
        Has no effect, as in scikit-learn since 1.8; a value other than
        None gives its FutureWarning.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row (for ``classes_[1]``) for a binary problem.

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).

    n_iter_ : ndarray of shape (1,)
        Number of iterations (epochs for ``"sgd"``) run.

    loss_curve_ : list of float
        ``solver="sgd"`` only: the training objective estimated over each
        epoch.

    validation_scores_ : list of float
        ``solver="sgd"`` with ``early_stopping`` only: validation accuracy
        after each epoch.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : The scikit-learn estimator
        this one mirrors.
    skdl.svm.LinearSVC : Linear support vector classifier.

    Notes
    -----
    float32 input is computed in float32, everything else in float64. With
    the same ``C``, ``l1_ratio`` and weights the minimiser is scikit-learn's,
    so ``"lbfgs"`` and ``"newton"`` agree with its ``"lbfgs"`` and
    ``"newton-cholesky"`` solvers, and ``"proximal"`` with ``"saga"``.
    ``solver="sgd"`` raises a ValueError if the optimizer diverges (a
    non-finite loss), never returning NaN coefficients.

    References
    ----------
    .. [1] J. Nocedal and S. Wright, "Numerical Optimization", Springer, 2006.
    .. [2] A. Beck and M. Teboulle, "A fast iterative shrinkage-thresholding
       algorithm for linear inverse problems", SIAM J. Imaging Sciences, 2009.
    .. [3] B. O'Donoghue and E. Candes, "Adaptive restart for accelerated
       gradient schemes", Foundations of Computational Mathematics, 2015.
    .. [4] D. Kingma and J. Ba, "Adam: a method for stochastic optimization",
       ICLR 2015.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdl.linear_model import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LogisticRegression(max_iter=200, device="cpu").fit(X, y)
    >>> clf.predict(X[:2]).tolist()
    [0, 0]
    >>> clf.predict_proba(X[:1]).round(3)
    array([[0.982, 0.018, 0.   ]])
    >>> round(clf.score(X, y), 3)
    0.973
    """

    _parameter_constraints = {
        "penalty": [
            StrOptions({"l1", "l2", "elasticnet"}),
            None,
            Hidden(StrOptions({"deprecated"})),
        ],
        "C": [Interval(Real, 0, None, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), None],
        "dual": ["boolean"],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "solver": [StrOptions(set(_SOLVERS))],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "optimizer": [StrOptions(set(_solvers._OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions(set(_solvers._SCHEDULES))],
        "lr_decay": [Interval(Real, 0, None, closed="neither")],
        "lr_step_size": [Interval(Integral, 1, None, closed="left")],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "device": DEVICE_CONSTRAINT,
        "n_jobs": [None, Integral],
    }

    def __init__(
        self,
        penalty="deprecated",
        *,
        C=1.0,
        l1_ratio=0.0,
        dual=False,
        fit_intercept=True,
        intercept_scaling=1,
        class_weight=None,
        solver="lbfgs",
        tol=1e-4,
        max_iter=100,
        warm_start=False,
        optimizer="adam",
        learning_rate=0.01,
        lr_schedule="constant",
        lr_decay=0.9,
        lr_step_size=10,
        warmup_epochs=0,
        batch_size="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        random_state=None,
        verbose=0,
        device=None,
        n_jobs=None,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.lr_decay = lr_decay
        self.lr_step_size = lr_step_size
        self.warmup_epochs = warmup_epochs
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose
        self.device = device
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.solver not in _DENSE_ONLY_SOLVERS
        return tags

    def _penalty_name(self):
        """The penalty scikit-learn 1.9 derives from ``penalty``, ``l1_ratio`` and ``C``."""
        if self.penalty != "deprecated":
            return self.penalty
        if self.C == np.inf:
            return None
        if self.l1_ratio is None or self.l1_ratio == 0:
            return "l2"
        return "l1" if self.l1_ratio == 1 else "elasticnet"

    def _penalty_terms(self):
        """``(C, l1_ratio)`` actually minimised, after the deprecated ``penalty``."""
        penalty = self._penalty_name()
        if penalty is None:
            return np.inf, 0.0
        ratio = {"l1": 1.0, "l2": 0.0}.get(penalty, self.l1_ratio)
        return self.C, float(ratio)

    def _penalty_strengths(self, sw_sum):
        """``(l1, l2)`` strengths of the penalty in the normalised objective."""
        C, ratio = self._penalty_terms()
        if np.isinf(C):
            return 0.0, 0.0
        scale = 1.0 / (C * sw_sum)
        return ratio * scale, (1.0 - ratio) * scale

    def _check_parameters(self):
        """scikit-learn 1.9's checks and deprecation warnings of the penalty options."""
        if self.penalty == "deprecated":
            if self.l1_ratio is None:
                warnings.warn(
                    "'l1_ratio=None' was deprecated in version 1.8 and will trigger an error "
                    "in 1.10. Use 0<=l1_ratio<=1 instead.",
                    FutureWarning,
                )
        else:
            warnings.warn(
                "'penalty' was deprecated in version 1.8 and will be removed in 1.10. To "
                "avoid this warning, leave 'penalty' set to its default value and use "
                "'l1_ratio' or 'C' instead. Use l1_ratio=0 instead of penalty='l2', "
                "l1_ratio=1 instead of penalty='l1', l1_ratio set to a float between 0 and "
                "1 instead of penalty='elasticnet', and C=np.inf instead of penalty=None.",
                FutureWarning,
            )
        penalty = self._penalty_name()
        _check_solver(self.solver, penalty, self.dual)
        if penalty != "elasticnet" and self.l1_ratio is not None and 0 < self.l1_ratio < 1:
            warnings.warn(f"l1_ratio parameter is only used when penalty is 'elasticnet'. Got (penalty={penalty})")
        if (self.penalty == "l2" and self.l1_ratio != 0) or (self.penalty == "l1" and self.l1_ratio != 1):
            warnings.warn(
                f"Inconsistent values: penalty={self.penalty} with l1_ratio={self.l1_ratio}. "
                "penalty is deprecated. Please use l1_ratio only."
            )
        if penalty == "elasticnet" and self.l1_ratio is None:
            raise ValueError("l1_ratio must be specified when penalty is elasticnet.")
        if self.penalty is None and self.C != 1.0:
            warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters")
        if self.n_jobs is not None:
            warnings.warn(
                "'n_jobs' has no effect since 1.8 and will be removed in 1.10. "
                f"You provided 'n_jobs={self.n_jobs}', please leave it unspecified.",
                category=FutureWarning,
            )

    def _check_solver(self, X):
        if hasattr(X, "tocsr") and self.solver in _DENSE_ONLY_SOLVERS:
            raise TypeError(
                f"solver={self.solver!r} does not support sparse input; use another "
                "solver, or convert X to a dense array with X.toarray()."
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model by minimising the penalised log loss.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; sparse (CSR) with every solver but ``"sgd"``.
        y : array-like of shape (n_samples,)
            Class labels (any type scikit-learn accepts).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; ``None`` gives weight 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            self._check_parameters()
            # scikit-learn rejects 64-bit sparse indices for these solvers; so does skdl.
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse="csr",
                dtype=[np.float64, np.float32],
                order="C",
                accept_large_sparse=self.solver not in ("liblinear", "sag", "saga"),
            )
            check_classification_targets(y)
            # X.T @ D @ X overflows near the float limits: the solver would return a
            # meaningless model (scikit-learn's does; its liblinear hangs).
            check_squares_are_finite(X, "products of X with itself (X.T @ X)")
            self._check_solver(X)
            classes = np.unique(y)
            check_binary_or_more_classes(classes)
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
            sample_weight = class_weighted_sample_weight(self.class_weight, classes, y, sample_weight)
            if not sample_weight.sum() > 0:
                raise ValueError("The sample weights (times the class weights) sum to zero.")
            device = resolve_device(self.device)
            result = self._fit_solver(X, y, classes, sample_weight, device)
        self.classes_ = classes
        self.coef_, self.intercept_, n_iter, extra = result
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        for name in ("loss_curve_", "validation_scores_"):
            if name in extra:
                setattr(self, name, extra[name])
            elif hasattr(self, name):
                delattr(self, name)
        return self

    def _initial_coef(self, n_rows, n_features, classes, dtype, device):
        """Zeros, or the previous solution with ``warm_start``."""
        W = to_tensor(np.zeros((n_rows, n_features), dtype=dtype), device)
        b = to_tensor(np.zeros(n_rows, dtype=dtype), device)
        previous = getattr(self, "coef_", None)
        if sp.issparse(previous):  # after sparsify()
            previous = previous.toarray()
        if (
            self.warm_start
            and previous is not None
            and previous.shape == (n_rows, n_features)
            and np.array_equal(getattr(self, "classes_", None), classes)
        ):
            W = to_tensor(previous, device, dtype=dtype).clone()
            if self.fit_intercept:
                b = to_tensor(self.intercept_, device, dtype=dtype).clone()
        return W, b

    def _fit_solver(self, X, y, classes, sample_weight, device):
        """Run the solver; return ``(coef, intercept, n_iter, extra attributes)``."""
        binary = len(classes) == 2
        n_rows = 1 if binary else len(classes)
        y_index = np.searchsorted(classes, y)
        dtype = X.dtype
        sw_sum = float(sample_weight.sum())
        l1, l2 = self._penalty_strengths(sw_sum)
        W0, b0 = self._initial_coef(n_rows, X.shape[1], classes, dtype, device)
        target = to_tensor(y_index, device, dtype=dtype if binary else np.int64)
        common = dict(
            binary=binary, fit_intercept=self.fit_intercept, tol=self.tol, max_iter=self.max_iter, verbose=self.verbose
        )
        extra, info = {}, {}
        if self.solver == "liblinear":
            coef, intercept, n_iter = self._fit_liblinear(X, y_index, sample_weight, classes)
            if n_iter >= self.max_iter:
                warnings.warn(
                    _convergence_message("liblinear", n_iter, self.max_iter, self.tol, {}),
                    ConvergenceWarning,
                    stacklevel=3,
                )
            return coef, intercept, n_iter, extra
        if self.solver in ("sag", "saga"):
            W, b, n_iter, converged = self._fit_sag(X, y_index, sample_weight, W0, b0, l1, l2, binary)
            W, b = to_tensor(W, device, dtype=dtype), to_tensor(b, device, dtype=dtype)
        elif self.solver == "sgd":
            W, b, n_iter, converged, extra = self._fit_sgd(
                X, y_index, sample_weight, W0, b0, l1, l2, binary, device, common
            )
        else:
            design = Design(X, device)
            sw = to_tensor(sample_weight / sw_sum, device, dtype=dtype)
            # One thread for torch and for the BLAS calls of the fused kernels.
            with one_torch_thread(device), single_threaded_blas():
                if self.solver == "proximal":
                    W, b, n_iter, converged = _solvers.proximal(design, target, sw, W0, b0, l1=l1, l2=l2, **common)
                else:
                    W, b, n_iter, converged = _SMOOTH_SOLVERS[self.solver](
                        design, target, sw, W0, b0, l2=l2, info=info, **common
                    )
            if not (torch.isfinite(W).all() and torch.isfinite(b).all()):
                raise ValueError(
                    f"solver={self.solver!r} produced non-finite coefficients; scale the data "
                    "(e.g. with StandardScaler) or increase regularisation (lower C)."
                )
        if not converged:
            warnings.warn(
                _convergence_message(self.solver, n_iter, self.max_iter, self.tol, info),
                ConvergenceWarning,
                stacklevel=3,
            )
        coef = to_numpy(W).astype(dtype, copy=True)
        intercept = to_numpy(b).astype(dtype, copy=True) if self.fit_intercept else np.zeros(n_rows, dtype)
        return coef, intercept, n_iter, extra

    def _fit_liblinear(self, X, y_index, sample_weight, classes):
        """liblinear's binary problem (penalised intercept feature), in float64."""
        if len(classes) > 2:
            raise ValueError(
                "The 'liblinear' solver does not support multiclass classification"
                " (n_classes >= 3). Either use another solver or wrap the "
                "estimator in a OneVsRestClassifier to keep applying a "
                "one-versus-rest scheme."
            )
        if (X.max() if X.shape[0] else 0) > 1e30:
            raise ValueError(
                "Using the 'liblinear' solver while X contains a maximum value > 1e30 "
                "results in a frozen fit. Please choose another solver or rescale the input X."
            )
        C, ratio = self._penalty_terms()
        seed = check_random_state(self.random_state).randint(1, np.iinfo(np.int32).max)
        coef, intercept, n_iter = _liblinear.fit(
            X.astype(np.float64) if X.dtype != np.float64 else X,
            np.where(y_index == 1, 1.0, -1.0),
            C * np.asarray(sample_weight, dtype=np.float64),
            l1=ratio == 1.0,
            dual=self.dual,
            bias=self.intercept_scaling if self.fit_intercept else -1.0,
            tol=self.tol,
            max_iter=self.max_iter,
            seed=seed,
        )
        # float64 whatever X's dtype, as scikit-learn's liblinear returns.
        return coef[None, :], np.array([intercept], dtype=np.float64), n_iter

    def _fit_sag(self, X, y_index, sample_weight, W0, b0, l1, l2, binary):
        """SAG / SAGA on the CPU in float64; ``(W, b, n_iter, converged)`` as arrays."""
        n = X.shape[0]
        sw_sum = float(sample_weight.sum())
        # The kernels minimise the per-sample mean: the strengths scale by S / n.
        alpha, beta = l2 * sw_sum / n, l1 * sw_sum / n
        seed = check_random_state(self.random_state).randint(1, np.iinfo(np.int32).max)
        X = X.astype(np.float64) if X.dtype != np.float64 else X
        W, b, n_iter, converged, finite = _sag.sag(
            X,
            y_index,
            sample_weight,
            to_numpy(W0),
            to_numpy(b0),
            multinomial=not binary,
            alpha=alpha,
            beta=beta,
            fit_intercept=self.fit_intercept,
            tol=self.tol,
            max_iter=self.max_iter,
            saga=self.solver == "saga",
            seed=seed,
        )
        if not finite:
            raise ValueError(
                f"Floating-point under-/overflow occurred at epoch #{n_iter}. Scaling input "
                "data with StandardScaler or MinMaxScaler might help."
            )
        return W, b, n_iter, converged

    def _fit_sgd(self, X, y_index, sample_weight, W0, b0, l1, l2, binary, device, common):
        """Mini-batch training, with an optional stratified validation split."""
        random_state = check_random_state(self.random_state)
        validation = None
        if self.early_stopping:
            stratify = y_index if np.bincount(y_index).min() >= 2 else None
            X, X_val, y_index, y_val, sample_weight, sw_val = train_test_split(
                X,
                y_index,
                sample_weight,
                test_size=self.validation_fraction,
                random_state=random_state,
                stratify=stratify,
            )
            if X.shape[0] == 0 or X_val.shape[0] == 0:
                raise ValueError(
                    f"validation_fraction={self.validation_fraction} leaves an empty training "
                    "or validation set; change it or set early_stopping=False."
                )
            validation = (
                to_tensor(X_val, device),
                to_tensor(y_val, device, dtype=np.int64),
                to_tensor(sw_val, device, dtype=X.dtype),
            )
            # The objective is now that of the training part.
            l1, l2 = self._penalty_strengths(float(sample_weight.sum()))
        n = X.shape[0]
        batch_size = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        # Weights scaled to mean 1: a batch's weighted mean estimates the data term.
        sw = to_tensor(sample_weight * (n / sample_weight.sum()), device, dtype=X.dtype)
        target = to_tensor(y_index, device, dtype=X.dtype if binary else np.int64)
        try:
            with one_torch_thread(device):
                W, b, n_iter, converged, loss_curve, scores = _solvers.sgd(
                    to_tensor(X, device),
                    target,
                    sw,
                    W0,
                    b0,
                    l1=l1,
                    l2=l2,
                    optimizer=self.optimizer,
                    learning_rate=self.learning_rate,
                    lr_schedule=self.lr_schedule,
                    lr_decay=self.lr_decay,
                    lr_step_size=self.lr_step_size,
                    warmup_epochs=self.warmup_epochs,
                    batch_size=batch_size,
                    n_iter_no_change=self.n_iter_no_change,
                    validation=validation,
                    generator=torch_generator(random_state, torch.device("cpu")),
                    **common,
                )
        except _solvers.SGDDivergedError as exc:
            raise ValueError(str(exc)) from None
        extra = {"loss_curve_": loss_curve}
        if self.early_stopping:
            extra["validation_scores_"] = scores
        return W, b, n_iter, converged, extra

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        Z = self._raw(X)
        if Z.device.type == "cpu" and len(self.classes_) > 2:
            # Z is this call's own tensor: its rows become the probabilities.
            proba = Z.numpy()
            _loss_kernels.softmax_in_place(proba)
            return proba
        return to_numpy(predict_proba(Z, len(self.classes_) == 2))

    def predict_log_proba(self, X):
        """Logarithm of the probability of each class, computed stably.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return to_numpy(predict_log_proba(self._raw(X), len(self.classes_) == 2))

    def objective(self, X, y, sample_weight=None):
        """Value of the penalised objective at the fitted coefficients.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        value : float
            ``sum_i s_i loss_i / S + penalty / (C S)`` (see the class
            docstring), with the class weights applied.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False)
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or not np.isin(y, self.classes_).all():
            raise ValueError(
                f"y must have shape ({X.shape[0]},) and hold only the classes seen in fit, {self.classes_.tolist()}."
            )
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        sample_weight = class_weighted_sample_weight(self.class_weight, self.classes_, y, sample_weight)
        sw_sum = float(sample_weight.sum())
        if not sw_sum > 0:
            raise ValueError("The sample weights (times the class weights) sum to zero.")
        l1, l2 = self._penalty_strengths(sw_sum)
        binary = len(self.classes_) == 2
        device = resolve_device("cpu")
        design = Design(X.astype(np.float64), device)
        y_index = np.searchsorted(self.classes_, y)
        target = to_tensor(y_index, device, dtype=np.float64 if binary else np.int64)
        W = to_tensor(self.coef_, device, dtype=np.float64)
        b = to_tensor(self.intercept_, device, dtype=np.float64)
        sw = to_tensor(sample_weight / sw_sum, device, dtype=np.float64)
        value = float(loss_value(design, target, sw, W, b, binary=binary, l2=l2))
        return value + l1 * float(np.abs(self.coef_).sum())
