"""AdaCost (Fan et al., ICML 1999) and AdaMEC (Nikolaou et al., 2016).

Both are cost-sensitive AdaBoost. AdaCost puts the costs into the training:
SAMME started from the cost-weighted distribution, with mistakes between
cheaply confused classes counting less. AdaMEC trains a cost-blind AdaBoost,
calibrates its scores and predicts the class of least expected cost.
"""

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ..tree import DecisionTreeClassifier
from ..utils._sklearn_compat import StrOptions, _fit_context
from ..utils._validation import check_binary_or_more_classes, unchanged_on_error
from ._weight_boosting import AdaBoostClassifier, BaseBoostingClassifier

# Folds of the out-of-fold scores AdaMEC's calibration map is fitted on.
_CALIBRATION_FOLDS = 3


def _validated_cost_matrix(cost_matrix, classes):
    """The K x K cost matrix from the ``cost_matrix`` parameter, validated.

    Returns
    -------
    matrix : ndarray of shape (K, K)
        ``matrix[i, j]`` is the cost of predicting ``classes[j]`` for a
        sample of class ``classes[i]``; zero diagonal.
    """
    K = classes.shape[0]
    if cost_matrix is None:
        return 1.0 - np.eye(K)
    if isinstance(cost_matrix, dict):
        missing = [c for c in classes if c not in cost_matrix]
        unknown = [c for c in cost_matrix if c not in set(classes.tolist())]
        if missing or unknown:
            raise ValueError(
                f"cost_matrix as a dict must map each class of y {classes.tolist()} to the "
                f"cost of misclassifying it; missing {missing}, unknown {unknown}."
            )
        costs = np.array([cost_matrix[c] for c in classes], dtype=np.float64)
        if not np.all(np.isfinite(costs)) or np.any(costs < 0):
            raise ValueError(
                f"cost_matrix as a dict must give finite misclassification costs >= 0; got {costs.tolist()}."
            )
        matrix = costs[:, None] * (1.0 - np.eye(K))
    else:
        matrix = np.asarray(cost_matrix, dtype=np.float64)
        if matrix.shape != (K, K):
            raise ValueError(f"cost_matrix must have shape (n_classes, n_classes) = ({K}, {K}); got {matrix.shape}.")
        if not np.all(np.isfinite(matrix)):
            raise ValueError("cost_matrix contains NaN or infinity.")
        if np.any(matrix < 0):
            raise ValueError("cost_matrix must not have negative entries.")
        if np.any(np.diag(matrix) != 0):
            raise ValueError(
                "cost_matrix must have a zero diagonal: cost_matrix[i, i] is the cost of a correct prediction."
            )
    if not matrix.max() > 0:
        raise ValueError("cost_matrix must have at least one positive misclassification cost.")
    return matrix


def _mistake_scale(matrix, classes, y):
    """``s_i = cost(y_i, h(x_i)) / max_j cost(y_i, j)`` as a function of the predictions.

    None when every mistake of a class costs the same (always so for two
    classes): then ``s = 1`` and the rounds are SAMME's, bit for bit.
    """
    row_max = matrix.max(axis=1)
    off_diagonal = ~np.eye(matrix.shape[0], dtype=bool)
    if np.all(matrix[off_diagonal] == np.broadcast_to(row_max[:, None], matrix.shape)[off_diagonal]):
        return None
    # a class whose mistakes cost nothing has zero weight from D_1 on; 1 avoids 0 / 0
    relative = matrix / np.where(row_max > 0, row_max, 1.0)[:, None]
    y_index = np.searchsorted(classes, y)

    def scale(prediction):
        return relative[y_index, np.searchsorted(classes, prediction)]

    return scale


class AdaCostClassifier(BaseBoostingClassifier):
    """Cost-sensitive AdaBoost: AdaCost, or AdaMEC's least-expected-cost decision.

    ``method="adacost"`` (Fan et al. [1]_, with the choices derived in the
    :ref:`user guide <boosting>`): the SAMME rounds of
    :class:`AdaBoostClassifier`, started from ``D_1(i) ∝ sample_weight_i *
    max_j cost_matrix[y_i, j]``, with a mistake ``y_i -> h(x_i)`` counting
    ``s_i = cost_matrix[y_i, h(x_i)] / max_j cost_matrix[y_i, j]`` in the
    error and in the weight update (``s = 1`` for two classes). Equal costs
    give exactly :class:`AdaBoostClassifier`.

    ``method="adamec"`` (Nikolaou et al. [2]_): a cost-blind
    :class:`AdaBoostClassifier`, whose scores are calibrated by a logistic
    map fitted to out-of-fold scores, predicting the class of least expected
    cost ``argmin_j sum_i p_i cost_matrix[i, j]``; for two classes, the
    threshold on the calibrated probability moves to ``C_FP / (C_FP +
    C_FN)``.

    Parameters
    ----------
    estimator : object, default=None
        The weak learner; it must accept ``sample_weight``. None is a stump,
        ``skdl.tree.DecisionTreeClassifier(max_depth=1)``.

    n_estimators : int, default=50
        Maximum number of rounds.

    learning_rate : float, default=1.0
        Shrinks each learner's weight ``alpha``.

    cost_matrix : array-like of shape (n_classes, n_classes), dict or None, \
            default=None
        Misclassification costs. An array: ``cost_matrix[i, j]`` is the cost
        of predicting ``classes_[j]`` for a sample of class ``classes_[i]``
        (the layout of :func:`sklearn.metrics.confusion_matrix`), with a zero
        diagonal. A dict: ``{class: cost of misclassifying that class}`` (as
        any other class). None: equal costs. Entries must be finite and
        non-negative, and at least one positive.

    method : {"adacost", "adamec"}, default="adacost"
        Put the costs into the training (AdaCost) or into the decision on
        calibrated scores (AdaMEC).

    random_state : int, RandomState instance or None, default=None
        Seeds the ``random_state`` of every learner (and AdaMEC's folds).

    Attributes
    ----------
    estimator_ : estimator
        The unfitted weak learner.

    estimators_ : list of estimators
        The fitted members.

    estimator_weights_ : ndarray of shape (n_estimators,)
        ``alpha`` of each member (zero for rounds not run).

    estimator_errors_ : ndarray of shape (n_estimators,)
        Cost-scaled weighted error of each member (one for rounds not run).

    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        The validated cost matrix, rows and columns in the order of
        ``classes_``.

    class_costs_ : ndarray of shape (n_classes,)
        Cost at stake for each class of ``classes_``: the largest cost of
        misclassifying it (for two classes, the cost of misclassifying it).

    cost_factors_ : ndarray of shape (n_classes,)
        ``class_costs_ / class_costs_.max()``: how AdaCost's ``D_1`` weighs
        each class's samples relative to ``sample_weight``.

    calibrator_ : LogisticRegression or None
        AdaMEC's map from ``decision_function`` to probabilities; None for
        AdaCost.

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    n_classes_ : int
        Number of classes.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Estimator-weighted mean of the members' importances.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    See Also
    --------
    AdaBoostClassifier : The cost-insensitive algorithm.
    sklearn.model_selection.TunedThresholdClassifierCV : A threshold tuned by
        cross-validation around any classifier.

    Notes
    -----
    Fan et al.'s update ``D(i) <- D(i) exp(-alpha y_i h(x_i) beta_i)`` with a
    cost adjustment ``beta`` that depends on whether ``h`` is right bounds a
    loss that is not a function of the margin ``sum_t alpha_t h_t(x)``, so the
    sign of that margin is not the decision of least expected cost, and
    equal costs do not give AdaBoost. With ``beta`` independent of
    correctness the bounded loss is the cost-weighted exponential loss, whose
    minimiser's sign is the cost-optimal decision; skdl takes ``beta = 1``
    and the costs in ``D_1``, which keeps AdaBoost's exact step and makes the
    first learner's error on ``D_1`` at most the lighter class's weight (so
    below chance). The user guide has the derivation. A first learner no
    better than chance (all classes of equal weight and no useful split) is
    kept alone with ``alpha = 1`` instead of failing.

    AdaMEC's ``staged_predict`` and ``staged_predict_proba`` apply the
    calibration map fitted to the final ensemble's scores to each stage.

    References
    ----------
    .. [1] W. Fan, S. J. Stolfo, J. Zhang and P. K. Chan, "AdaCost:
       misclassification cost-sensitive boosting", ICML 1999.
    .. [2] N. Nikolaou, N. Edakunni, M. Kull, P. Flach and G. Brown,
       "Cost-sensitive boosting algorithms: Do we really need them?",
       Machine Learning 104, 2016.
    .. [3] J. Zhu, H. Zou, S. Rosset and T. Hastie, "Multi-class AdaBoost",
       Statistics and Its Interface, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import recall_score
    >>> from skdl.ensemble import AdaCostClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05, random_state=0)
    >>> plain = AdaCostClassifier(random_state=0).fit(X, y)
    >>> costly = AdaCostClassifier(cost_matrix={0: 1, 1: 5}, random_state=0).fit(X, y)
    >>> bool(recall_score(y, costly.predict(X)) > recall_score(y, plain.predict(X)))
    True
    """

    _parameter_constraints = {
        **BaseBoostingClassifier._parameter_constraints,
        "cost_matrix": ["array-like", dict, None],
        "method": [StrOptions({"adacost", "adamec"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        cost_matrix=None,
        method="adacost",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.cost_matrix = cost_matrix
        self.method = method
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build a cost-sensitive boosted classifier from (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplies the initial distribution.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            X, y, sample_weight = self._validate_fit_data(X, y, sample_weight)
            check_classification_targets(y)
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            if y_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"Only binary and multiclass targets are supported. The type of the target is {y_type}."
                )
            classes = np.unique(y)
            check_binary_or_more_classes(classes, "AdaCostClassifier")
            matrix = _validated_cost_matrix(self.cost_matrix, classes)
            self.estimator_ = self._validated_estimator(DecisionTreeClassifier(max_depth=1))
            self.classes_ = classes
            self.n_classes_ = classes.shape[0]
            class_costs = matrix.max(axis=1)
            factors = class_costs / class_costs.max()
            calibrator = None
            if self.method == "adacost":
                initial = sample_weight * factors[np.searchsorted(classes, y)]
                total = initial.sum()
                if not total > 0:
                    raise ValueError(
                        "sample_weight and cost_matrix give every sample zero weight: the "
                        "classes with a positive cost have no positive sample_weight."
                    )
                if not np.all(factors == 1.0):
                    # (equal costs keep sample_weight's bits: AdaBoost's rounds exactly)
                    initial /= total
                members, weights, errors = self._samme(
                    X, y, initial, _mistake_scale(matrix, classes, y), first_no_better="keep"
                )
            else:
                members, weights, errors = self._samme(X, y, sample_weight, first_no_better="keep")
                calibrator = self._fitted_calibrator(X, y, sample_weight)
        self.cost_matrix_ = matrix
        self.class_costs_, self.cost_factors_ = class_costs, factors
        self.calibrator_ = calibrator
        self.estimators_, self.estimator_weights_, self.estimator_errors_ = members, weights, errors
        return self

    def _fitted_calibrator(self, X, y, sample_weight):
        """AdaMEC's calibration: a logistic map fitted to out-of-fold AdaBoost scores.

        Out-of-fold, because the training scores of a boosted ensemble are
        overconfident; the map is then applied to the ensemble fitted on all
        the data (as ``CalibratedClassifierCV(ensemble=False)``).
        """
        folds = StratifiedKFold(
            _CALIBRATION_FOLDS,
            shuffle=True,
            random_state=check_random_state(self.random_state).randint(np.iinfo(np.int32).max),
        )
        booster = AdaBoostClassifier(
            clone(self.estimator_),
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            random_state=self.random_state,
        )
        scores = cross_val_predict(
            booster,
            X,
            y,
            cv=folds,
            method="decision_function",
            params={"sample_weight": sample_weight},
        )
        # nearly unregularised, as Platt scaling
        return LogisticRegression(C=1e4).fit(scores.reshape(len(y), -1), y, sample_weight=sample_weight)

    def _labels(self, decision):
        if self.method == "adacost":
            return super()._labels(decision)
        expected_cost = self._proba(decision) @ self.cost_matrix_
        return self.classes_.take(np.argmin(expected_cost, axis=1))

    def _proba(self, decision):
        if self.method == "adacost":
            return super()._proba(decision)
        return self.calibrator_.predict_proba(decision.reshape(decision.shape[0], -1))
