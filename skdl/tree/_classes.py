"""CART decision trees: DecisionTreeRegressor and DecisionTreeClassifier."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, ClassifierMixin, MultiOutputMixin, RegressorMixin, clone
from sklearn.utils import Bunch, compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted

from .._device import DEVICE_CONSTRAINT, resolve_device
from ..utils._sklearn_compat import (
    Interval,
    RealNotInt,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from ..utils._validation import unchanged_on_error
from ._build import SPLITTERS
from ._criterion import CLASSIFICATION_CRITERIA, REGRESSION_CRITERIA
from ._params import (
    MISSING_VALUE_SPLITTERS,
    check_splitter_support,
    has_missing_values,
    resolve_monotonic_cst,
    resolve_params,
    supports_missing_values,
)
from ._tree import Tree, cost_complexity_prune, rows_fit_float32

# The parameters and fitted attributes both trees document alike: each
# class docstring is assembled from them, so that it reads whole in help()
# and on its API page.
_SHARED_PARAMETERS = """\
    splitter : {"best", "random", "hist"}, default="best"
        How splits are searched:

        - ``"best"``: exact thresholds, every midpoint between consecutive
          distinct values of a feature (scikit-learn's ``"best"``);
        - ``"random"``: one threshold per drawn feature, uniform in the
          node's range of that feature (scikit-learn's ``"random"``, the
          same draws for the same ``random_state``);
        - ``"hist"``: each feature is binned once into at most ``max_bins``
          quantile bins and splits are searched over bin boundaries with
          histograms of the gradient statistics; much faster on large data.

    max_depth : int, default=None
        Maximum depth; None grows until leaves are pure or hold fewer than
        ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Minimum number of samples to split a node (a fraction of n_samples
        when a float).

    min_samples_leaf : int or float, default=1
        Minimum number of samples in each leaf (a fraction when a float).

    min_weight_fraction_leaf : float, default=0.0
        Minimum fraction of the total sample weight in each leaf.

    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Number of features drawn at random (with ``random_state``) and
        examined at each split; None examines all of them.

    random_state : int, RandomState instance or None, default=None
        Seeds the feature draws of ``max_features`` (and the quantile
        subsample of ``"hist"`` binning on large data).

    max_leaf_nodes : int, default=None
        Grow best first (the frontier node whose split most decreases the
        weighted impurity is split next) until the tree has this many
        leaves; None grows depth first without a leaf limit. Both splitters
        support it.

    min_impurity_decrease : float, default=0.0
        A node is split only if the split decreases the weighted impurity
        ``N_t / N * (impurity - N_t_R / N_t * right_impurity - N_t_L / N_t *
        left_impurity)`` by at least this much.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning: after
        growing, the weakest links are pruned while their effective alpha is
        at most ``ccp_alpha``. See :meth:`cost_complexity_pruning_path`.

    monotonic_cst : array-like of int of shape (n_features,), default=None
        Monotonicity constraint per feature: 1 increasing, -1 decreasing, 0
        none (scikit-learn's semantics: a split on a constrained feature
        must order its children's values, and values are clipped to bounds
        inherited from the ancestors). Single output only; for a classifier,
        binary only, constraining the probability of the positive class.
        Not with ``splitter="hist"``.

    max_bins : int, default=255
        Maximum number of bins per feature for ``splitter="hist"``.

    device : str, torch.device or None, default=None
        Device for ``splitter="hist"``: on a CUDA device the histograms
        and the split search run in torch, level by level; on the CPU they
        run in numba, node by node (faster there). Both use the same bins
        and split rules; they grow the same tree except where two candidate
        splits tie. ``criterion="absolute_error"`` (no histogram form) runs
        on the CPU whatever the device, and so does the exact route.
        ``None`` follows :func:`skdl.get_config` (``"auto"``: CUDA when
        available).
"""
_SHARED_ATTRIBUTES = """\
    max_features_ : int
        The resolved number of features examined per split.

    n_outputs_ : int
        Number of outputs.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Normalised total impurity decrease brought by each feature.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.
"""


class BaseDecisionTree(MultiOutputMixin, BaseEstimator):
    """Shared parameters, validation and prediction of the CART trees."""

    _parameter_constraints = {
        "splitter": [StrOptions(set(SPLITTERS))],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "random_state": ["random_state"],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
        "monotonic_cst": ["array-like", None],
        "max_bins": [Interval(Integral, 2, 255, closed="both")],
        "device": DEVICE_CONSTRAINT,
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN in dense X, as scikit-learn's trees (its sparse input refuses it)
        tags.input_tags.allow_nan = self.splitter in MISSING_VALUE_SPLITTERS
        tags.input_tags.sparse = True
        return tags

    def _validate_fit_input(self, X, y, sample_weight):
        # Resolved before any work, as every skdl estimator does: an
        # unavailable CUDA is an error, whatever the splitter.
        resolve_device(self.device)
        if issparse(y):
            # scikit-learn checks y alone, which refuses a sparse y
            check_array(y, ensure_2d=False, dtype=None, input_name="y")
        if getattr(self, "criterion", None) == "poisson":
            # scikit-learn checks y for the Poisson deviance (y >= 0, a
            # positive mean) before X and y are checked against each other
            y_checked = check_array(y, ensure_2d=False, dtype=None)
            if np.any(y_checked < 0):
                raise ValueError("Some value(s) of y are negative which is not allowed for Poisson regression.")
            if np.sum(y_checked) <= 0:
                raise ValueError("Sum of y is not positive which is necessary for Poisson regression.")
        X, y = validate_data(
            self,
            X,
            y,
            dtype=np.float32,
            accept_sparse="csc",
            multi_output=True,
            y_numeric=not isinstance(self, ClassifierMixin),
            ensure_all_finite=False,
        )
        has_missing = has_missing_values(self, X)
        if issparse(X) and max(X.nnz, *X.shape) >= 2**31:
            # the sparse splitters keep row indices and column pointers as
            # int32, as scikit-learn's (which refuses int64 indices outright)
            raise ValueError("No support for np.int64 index based sparse matrices")
        if issparse(X) and not X.has_sorted_indices:
            # the sparse splitters binary-search the columns' row indices;
            # scikit-learn sorts X in place, a copy leaves the caller's alone
            X = X.copy()
            X.sort_indices()
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        return X, y, sample_weight, has_missing

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Build a decision tree from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples; converted to float32 as scikit-learn's trees
            do, a sparse matrix to CSC (its zeros are not stored: see the
            :ref:`user guide <trees>`).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels (classifier) or real values (regressor).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights. Samples of weight zero are ignored when growing
            the tree (they reach no node).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight=None, check_input=True, presorted=None, sklearn_order=True):
        """Fit; ensembles call it with ``check_input=False`` on validated data.

        With ``check_input=False``, X must be a C-contiguous float32 array, y
        an array and ``sample_weight`` a float64 array (or None). ``presorted``
        (exact splitter only) is ``np.argsort(X.T, axis=1)`` computed once by
        an ensemble that refits on the same X. ``sklearn_order=False`` lets
        the exact splitter add tied samples in its presorted order instead of
        scikit-learn's (no sort at all): the same splits except where two
        candidates tie in exact arithmetic, for ensembles, which need no
        bit-for-bit agreement and refit many times.
        """
        with unchanged_on_error(self):
            if check_input:
                X, y, sample_weight, has_missing = self._validate_fit_input(X, y, sample_weight)
            else:
                has_missing = not issparse(X) and bool(np.isnan(np.sum(X)))
                self.n_features_in_ = X.shape[1]
                if sample_weight is None:
                    sample_weight = np.ones(X.shape[0])
            y_reg, y_enc, K, crit, sample_weight, target_info = self._encode_y(y, sample_weight)
            if not np.any(sample_weight > 0):
                raise ValueError("sample_weight must have at least one positive entry.")
            n_samples, n_features = X.shape
            params = resolve_params(self, n_samples, n_features, sample_weight)
            params["sklearn_order"] = sklearn_order
            params["has_missing"] = has_missing
            params["monotonic_cst"] = resolve_monotonic_cst(self, n_features, target_info["n_classes"])
            check_splitter_support(self, crit, params["monotonic_cst"])
            arrays = SPLITTERS[self.splitter](self, X, y_reg, y_enc, sample_weight, crit, K, params, presorted)
        tree = Tree(n_features, target_info["n_classes"], arrays)
        self.tree_ = tree.pruned(self.ccp_alpha) if self.ccp_alpha > 0.0 else tree
        self.max_features_ = params["max_features"]
        self.n_outputs_ = self.tree_.n_outputs
        for name, value in target_info.items():
            if name != "n_classes":
                setattr(self, name, value)
        return self

    def _validate_X_predict(self, X, check_input=True):
        check_is_fitted(self)
        if check_input:
            allow_nan = supports_missing_values(self, X)
            strict = {"dtype": np.float32, "ensure_all_finite": "allow-nan" if allow_nan else True}
            if isinstance(X, np.ndarray) and X.dtype == np.float64:
                # float64 is walked as it is (the walks read each value as
                # float32), checked in one parallel pass instead of cast; a
                # value the check refuses gets scikit-learn's own error below
                X = np.ascontiguousarray(validate_data(self, X, dtype=None, reset=False, ensure_all_finite=False))
                if rows_fit_float32(X, allow_nan):
                    return X
            X = validate_data(self, X, accept_sparse="csr", reset=False, **strict)
        if issparse(X):
            return X
        return np.ascontiguousarray(X, dtype=np.float32)

    def apply(self, X):
        """Index of the leaf each sample ends up in.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A sparse matrix is read as CSR.

        Returns
        -------
        X_leaves : ndarray of shape (n_samples,)
            Node id (in ``[0, tree_.node_count)``) of each sample's leaf.
        """
        X = self._validate_X_predict(X)
        return self.tree_.apply(X).astype(np.intp)

    def predict(self, X):
        """Predict the target of X: the value of the leaf each sample reaches.

        A classifier predicts the most frequent (weighted) class of the
        leaf, a regressor its mean (or median, ``criterion="absolute_error"``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A sparse matrix is read as CSR.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifier) or real values (regressor).
        """
        return self._predict(self._validate_X_predict(X))

    def decision_path(self, X):
        """Nodes each sample goes through.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A sparse matrix is read as CSR.

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, n_nodes)
            CSR matrix whose non-zero entries ``[i, j]`` say that sample ``i``
            goes through node ``j``.
        """
        X = self._validate_X_predict(X)
        return self.tree_.decision_path(X)

    def get_depth(self):
        """Depth of the tree: the maximum distance between the root and a leaf.

        Returns
        -------
        depth : int
        """
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves of the tree.

        Returns
        -------
        n_leaves : int
        """
        check_is_fitted(self)
        return self.tree_.n_leaves

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """The pruning path of minimal cost-complexity pruning.

        Fits a clone with ``ccp_alpha=0`` and prunes it weakest link by
        weakest link; each step's effective alpha is a value of
        ``ccp_alpha`` at which the pruned tree changes.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        ccp_path : :class:`~sklearn.utils.Bunch`
            ``ccp_alphas``: the increasing effective alphas (0 first);
            ``impurities``: the total weighted leaf impurity of the pruned
            tree for each of them.
        """
        tree = clone(self).set_params(ccp_alpha=0.0).fit(X, y, sample_weight=sample_weight).tree_
        _, _, alphas, impurities = cost_complexity_prune(
            tree.children_left,
            tree.children_right,
            tree.weighted_n_node_samples,
            tree.impurity,
            np.inf,
        )
        return Bunch(ccp_alphas=alphas, impurities=impurities)

    @property
    def feature_importances_(self):
        """Normalised total impurity decrease brought by each feature (Gini importance).

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
        """
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    __doc__ = (
        """A CART regression tree.

    A leaf predicts the weighted mean of its training targets
    (``criterion="squared_error"``) or their weighted median
    (``"absolute_error"``); multi-output y is supported. See the
    :ref:`user guide <trees>`.

    Parameters
    ----------
    criterion : {"squared_error", "absolute_error", "poisson"}, default="squared_error"
        Impurity measured at each node: the weighted variance of y, its
        weighted mean absolute deviation from the weighted median, or the
        half Poisson deviance of the node mean (``"poisson"``: y must be
        non-negative with a positive sum; not with ``splitter="hist"``) (with
        ``splitter="hist"``, searched over code-sorted samples rather than
        histograms: a median is not a sum). ``"friedman_mse"``, deprecated
        in scikit-learn 1.9, is accepted with its FutureWarning and becomes
        ``"squared_error"``, which it always equalled.
"""
        + _SHARED_PARAMETERS
        + """
    Attributes
    ----------
    tree_ : Tree
        The fitted tree as flat arrays (``children_left``,
        ``children_right``, ``feature``, ``threshold``, ``value``,
        ``impurity``, ``n_node_samples``, ``weighted_n_node_samples``,
        ``node_count``, ``max_depth``); see :class:`skdl.tree.Tree`.

"""
        + _SHARED_ATTRIBUTES
        + """
    See Also
    --------
    DecisionTreeClassifier : The classification tree.
    sklearn.tree.DecisionTreeRegressor : The scikit-learn estimator this one mirrors.

    Notes
    -----
    X is converted to float32, as in scikit-learn, and thresholds are
    midpoints of float32 values; targets and statistics are float64. With
    ``splitter="best"``, for either criterion, the tree is
    scikit-learn's bit for bit for the same ``random_state`` (ties in the
    data, weights and ``max_features`` included): samples are added in
    scikit-learn's order, see the :ref:`user guide <trees>`. Samples are
    assigned left when ``x <= threshold``. NaN in dense X is split on as
    scikit-learn's trees split it (``splitter="best"`` or ``"random"``: each
    split sends it the side it chose).

    References
    ----------
    .. [1] L. Breiman, J. Friedman, R. Olshen and C. Stone, "Classification
       and Regression Trees", Wadsworth, 1984.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.tree import DecisionTreeRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([1.0, 1.2, 3.0, 3.4])
    >>> reg = DecisionTreeRegressor(max_depth=1).fit(X, y)
    >>> float(reg.tree_.threshold[0])
    1.5
    >>> reg.predict([[0.5], [2.5]]).round(2).tolist()
    [1.1, 3.2]
    """
    )

    _parameter_constraints = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [StrOptions(set(REGRESSION_CRITERIA))],
    }

    def __init__(
        self,
        *,
        criterion="squared_error",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        ccp_alpha=0.0,
        monotonic_cst=None,
        max_bins=255,
        device=None,
    ):
        if isinstance(criterion, str) and criterion == "friedman_mse":
            # scikit-learn 1.9 deprecates "friedman_mse" and maps it here, in
            # the constructor, to the criterion it always equalled.
            criterion = "squared_error"
            warnings.warn(
                'Value `"friedman_mse"` for `criterion` is deprecated and will be '
                'removed in 1.11. It maps to `"squared_error"` as both '
                'were always equivalent. Use `criterion="squared_error"` '
                "to remove this warning.",
                FutureWarning,
            )
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst
        self.max_bins = max_bins
        self.device = device

    def _encode_y(self, y, sample_weight):
        y = np.asarray(y, dtype=np.float64)
        y_reg = np.ascontiguousarray(y.reshape(y.shape[0], -1))
        y_enc = np.zeros((1, 1), dtype=np.int32)
        info = {"n_classes": np.ones(y_reg.shape[1], dtype=np.int64)}
        return y_reg, y_enc, 1, REGRESSION_CRITERIA[self.criterion], sample_weight, info

    def _predict(self, X):
        """predict on validated float32 C-contiguous X (ensembles call this)."""
        pred = self.tree_.predict(X)[:, :, 0]
        return pred[:, 0] if self.n_outputs_ == 1 else pred


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    __doc__ = (
        """A CART classification tree.

    Splits minimise the Gini impurity or the entropy of the class
    proportions; a leaf predicts the weighted class proportions of its
    training samples. Labels of any type, several outputs and
    ``class_weight`` are supported. See the :ref:`user guide <trees>`.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Impurity measured at each node; ``"log_loss"`` is ``"entropy"``.
"""
        + _SHARED_PARAMETERS
        + """
    class_weight : dict, list of dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``, as in
        scikit-learn (``"balanced"``: ``n_samples / (n_classes *
        np.bincount(y))``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels (a list with one array per output for multi-output y).

    n_classes_ : int or list of int
        Number of classes (per output).

    tree_ : Tree
        The fitted tree as flat arrays; ``tree_.value`` holds the weighted
        class proportions of every node. See :class:`skdl.tree.Tree`.

"""
        + _SHARED_ATTRIBUTES
        + """
    See Also
    --------
    DecisionTreeRegressor : The regression tree.
    sklearn.tree.DecisionTreeClassifier : The scikit-learn estimator this one mirrors.

    Notes
    -----
    X is converted to float32 as in scikit-learn. With ``splitter="best"``,
    the tree is scikit-learn's bit for bit for the same ``random_state``
    (ties in the data, weights and ``max_features`` included): samples are
    added in scikit-learn's order, see the :ref:`user guide <trees>`. NaN in
    dense X is split on as scikit-learn's trees split it (``splitter="best"``
    or ``"random"``: each split sends it the side it chose).

    References
    ----------
    .. [1] L. Breiman, J. Friedman, R. Olshen and C. Stone, "Classification
       and Regression Trees", Wadsworth, 1984.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdl.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DecisionTreeClassifier(max_depth=2).fit(X, y)
    >>> clf.get_depth(), clf.get_n_leaves()
    (2, 3)
    >>> clf.predict(X[[0, 50, 100]]).tolist()
    [0, 1, 2]
    >>> clf.predict_proba(X[[0]]).tolist()
    [[1.0, 0.0, 0.0]]
    """
    )

    _parameter_constraints = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [StrOptions(set(CLASSIFICATION_CRITERIA))],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        ccp_alpha=0.0,
        monotonic_cst=None,
        max_bins=255,
        device=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst
        self.max_bins = max_bins
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _encode_y(self, y, sample_weight):
        check_classification_targets(y)
        y = np.asarray(y)
        y_original = y
        y2 = y.reshape(y.shape[0], -1)
        n_out = y2.shape[1]
        classes, y_enc = [], np.empty(y2.shape, dtype=np.int32)
        for k in range(n_out):
            classes_k, y_enc[:, k] = np.unique(y2[:, k], return_inverse=True)
            classes.append(classes_k)
        n_classes = np.array([c.shape[0] for c in classes], dtype=np.int64)
        if self.class_weight is not None:
            sample_weight = sample_weight * compute_sample_weight(self.class_weight, y_original)
        info = {
            "n_classes": n_classes,
            "classes_": classes[0] if n_out == 1 else classes,
            "n_classes_": int(n_classes[0]) if n_out == 1 else n_classes,
        }
        crit = CLASSIFICATION_CRITERIA[self.criterion]
        return np.zeros((1, 1)), y_enc, int(n_classes.max()), crit, sample_weight, info

    def predict_proba(self, X):
        """Class probabilities of X: the class proportions of each sample's leaf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A sparse matrix is read as CSR.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or list of such arrays
            One array per output for multi-output y; columns follow
            ``classes_``.
        """
        X = self._validate_X_predict(X)
        value = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return value[:, 0, : self.n_classes_].copy()
        return [value[:, k, :n].copy() for k, n in enumerate(self.n_classes_)]

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A sparse matrix is read as CSR.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes) or list of such arrays
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]

    def _predict(self, X):
        """predict on validated float32 C-contiguous X (ensembles call this)."""
        value = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return self.classes_.take(np.argmax(value[:, 0, : self.n_classes_], axis=1))
        return np.stack(
            [c.take(np.argmax(value[:, k, : len(c)], axis=1)) for k, c in enumerate(self.classes_)],
            axis=1,
        )
