"""AdaCost (Fan et al., ICML 1999) and AdaMEC (Nikolaou et al., 2016).

Both are cost-sensitive AdaBoost. AdaCost puts the costs into the training:
boosting on the exponential loss with a cost-weighted start and a margin
scale per class (a costlier class must be classified with a wider margin),
mistakes between cheaply confused classes counting less. AdaMEC trains a
cost-blind AdaBoost, calibrates its scores and predicts the class of least
expected cost.
"""

from numbers import Real

import numpy as np
from scipy.optimize import brentq
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ..tree import DecisionTreeClassifier
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ..utils._validation import check_binary_or_more_classes, unchanged_on_error
from ._weight_boosting import AdaBoostClassifier, BaseBoostingClassifier, _floored, _Members

# Folds of the out-of-fold scores AdaMEC's calibration map is fitted on.
_CALIBRATION_FOLDS = 3

# cost_power="cv" picks the power of the costs AdaCost trains on among these
# (0: cost-blind AdaBoost, 1: the given costs) by the total cost, under the
# given costs, of a stratified cross-validation on the training set: the
# smallest power whose cost is within one standard error of the least (the
# one-standard-error rule). The user guide derives the choice.
_COST_POWERS = (0.0, 0.5, 1.0)
_COST_POWER_FOLDS = 3

# The margin scale of a class is (cheapest cost / its cost) ** _MARGIN_EXPONENT:
# once the training error reaches zero, a class of cost C is kept C ** 1/2
# times as far (in the scaled margin) from the vote's zero as one of cost 1.
# 0 would leave the costs only in the start, where they fade once the rounds
# separate the training set; 1 pushes the boundary deep into the cheap class.
# The user guide derives the choice.
_MARGIN_EXPONENT = 0.5


def _margin_scales(class_costs):
    """Per-class margin scales ``b_k``: 1 for the cheapest positive cost, smaller for costlier classes.

    A class whose mistakes cost nothing gets 1: its samples have zero weight
    from the start, so its scale never acts.
    """
    positive = class_costs > 0
    reference = class_costs[positive].min()
    scales = np.ones_like(class_costs)
    scales[positive] = (reference / class_costs[positive]) ** _MARGIN_EXPONENT
    return scales


def _exact_step(weight, slope):
    """``argmin_a sum_i weight_i exp(-a slope_i)``, for a positive edge ``sum_i weight_i slope_i``.

    The sum is convex in ``a``; its derivative changes sign where the
    weighted slopes of the samples that gain weight (``slope < 0``) balance
    those of the samples that lose it, compared in logs so that no
    exponential overflows.
    """
    gain, lose = (slope < 0) & (weight > 0), (slope > 0) & (weight > 0)

    def balance(a):
        return logsumexp(-a * slope[lose], b=weight[lose] * slope[lose]) - logsumexp(
            -a * slope[gain], b=-weight[gain] * slope[gain]
        )

    high = 1.0
    while balance(high) > 0:
        high *= 2.0
    return brentq(balance, 0.0, high, xtol=1e-14, rtol=4 * np.finfo(float).eps)


def _training_costs(matrix, power):
    """The costs AdaCost trains on: ``matrix ** power`` off the diagonal, equal costs for power 0."""
    if power == 0:
        return 1.0 - np.eye(matrix.shape[0])
    return matrix**power


def _has_equal_costs(matrix):
    """Whether every misclassification costs the same (then every cost power trains the same ensemble)."""
    off_diagonal = matrix[~np.eye(matrix.shape[0], dtype=bool)]
    return bool(np.all(off_diagonal == off_diagonal[0]))


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
    :ref:`user guide <boosting>`): boosting on the exponential loss
    ``sum_i D_1(i) exp(-b_i y_i F(x_i))`` with a margin scale ``b_k =
    (C_min / C_k) ** 1/2`` per class (``C_k = max_j cost_matrix[k, j]``, so a
    costlier class is held to a wider margin) and ``D_1(i) ∝
    sample_weight_i * C_{y_i} / b_{y_i}`` (so that the vote's sign is the
    decision of least expected cost), the exact step each round, and a
    mistake ``y_i -> h(x_i)`` counting ``s_i = cost_matrix[y_i, h(x_i)] /
    C_{y_i}`` (``s = 1`` for two classes). When every class has the same
    ``C_k`` this is the SAMME rounds of :class:`AdaBoostClassifier` started
    from ``D_1``; equal costs give exactly :class:`AdaBoostClassifier`.
    The costs it trains on are ``cost_matrix ** cost_power_``: by default
    (``cost_power="cv"``) the power is chosen among 0 (cost-blind AdaBoost),
    1/2 and 1 by the total cost, under ``cost_matrix``, of a stratified
    3-fold cross-validation on the training set: the smallest power within
    one standard error of the least cost. On an almost separable training set, where the boosted margins
    say little about where the costly class's mistakes lie, this keeps
    AdaBoost's boundary unless moving it pays on held-out folds.

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

    cost_power : "cv" or float in [0, 1], default="cv"
        AdaCost trains on the costs ``cost_matrix ** cost_power`` (0: equal
        costs, AdaBoost itself; scaling the costs changes nothing). "cv"
        chooses it among 0, 1/2 and 1 by 3-fold stratified cross-validation
        of the total cost under ``cost_matrix``, the smallest within one
        standard error of the least (ten fits instead of one);
        it is 1 without cross-validation when every misclassification costs
        the same or a class has fewer than 3 samples. Ignored by AdaMEC.

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

    cost_power_ : float
        The power of the costs AdaCost trained on (1 for AdaMEC).

    cv_costs_ : ndarray of shape (3,) or None
        With ``cost_power="cv"``, the cross-validated cost per sample
        (weighted by ``sample_weight``) of the powers 0, 1/2 and 1; None
        where no cross-validation ran.

    cv_standard_errors_ : ndarray of shape (3,) or None
        The standard errors of ``cv_costs_``. ``cost_power_`` is the smallest
        power whose cost is at most the least one plus its standard error.

    class_costs_ : ndarray of shape (n_classes,)
        Cost at stake for each class of ``classes_`` in the costs trained on,
        ``cost_matrix_ ** cost_power_``: the largest cost of misclassifying
        it (for two classes, the cost of misclassifying it).

    cost_factors_ : ndarray of shape (n_classes,)
        ``class_costs_ / margin_scales_``, divided by its largest entry: how
        AdaCost's ``D_1`` weighs each class's samples relative to
        ``sample_weight``.

    margin_scales_ : ndarray of shape (n_classes,)
        AdaCost's ``b_k = (C_min / class_costs_[k]) ** 1/2`` (``C_min`` the
        smallest positive class cost; 1 for a class whose mistakes cost
        nothing).

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
    correctness the bounded loss is a cost-weighted exponential loss of the
    margin, whose minimiser's sign is the cost-optimal decision when ``b *
    D_1`` carries the cost. Costs only in ``D_1`` (``b = 1``) fade once the
    rounds separate the training set; skdl splits them so that, there, a
    class of cost ``C`` keeps ``sqrt(C / C_min)`` times the margin. The first
    learner is fitted to ``D_1 * b ∝ sample_weight * C``, so its error is at
    most the lighter class's weight (below chance). The user guide has the
    derivation. A first learner no better than chance (all classes of equal
    weight and no useful split) is kept alone with ``alpha = 1`` instead of
    failing.

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
    >>> costly = AdaCostClassifier(cost_matrix={0: 1, 1: 5}, cost_power=1, random_state=0).fit(X, y)
    >>> bool(recall_score(y, costly.predict(X)) > recall_score(y, plain.predict(X)))
    True

    Here moving the boundary does not pay by more than the noise of a
    3-fold cross-validation, and the default keeps the cost-blind ensemble:

    >>> AdaCostClassifier(cost_matrix={0: 1, 1: 5}, random_state=0).fit(X, y).cost_power_
    0.0
    """

    _parameter_constraints = {
        **BaseBoostingClassifier._parameter_constraints,
        "cost_matrix": ["array-like", dict, None],
        "method": [StrOptions({"adacost", "adamec"})],
        "cost_power": [StrOptions({"cv"}), Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        cost_matrix=None,
        method="adacost",
        cost_power="cv",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.cost_matrix = cost_matrix
        self.method = method
        self.cost_power = cost_power
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
            power, cross_validation = 1.0, None
            if self.method == "adacost":
                power, cross_validation = self._chosen_cost_power(X, y, sample_weight, matrix)
            training = _training_costs(matrix, power)
            class_costs = training.max(axis=1)
            scales = _margin_scales(class_costs)
            # D_1 * b carries the cost, so that the vote's sign is the decision of least expected cost
            factors = class_costs / scales
            factors /= factors.max()
            calibrator = None
            if self.method == "adacost":
                y_index = np.searchsorted(classes, y)
                initial = sample_weight * factors[y_index]
                total = initial.sum()
                if not total > 0:
                    raise ValueError(
                        "sample_weight and cost_matrix give every sample zero weight: the "
                        "classes with a positive cost have no positive sample_weight."
                    )
                if not np.all(factors == 1.0):
                    # (equal costs keep sample_weight's bits: AdaBoost's rounds exactly)
                    initial /= total
                mistake_scale = _mistake_scale(training, classes, y)
                if np.all(scales == 1.0):
                    # one margin scale: the exact step is SAMME's closed form
                    members, weights, errors = self._samme(X, y, initial, mistake_scale, first_no_better="keep")
                else:
                    members, weights, errors = self._scaled_margin_rounds(X, y, initial, scales[y_index], mistake_scale)
            else:
                members, weights, errors = self._samme(X, y, sample_weight, first_no_better="keep")
                calibrator = self._fitted_calibrator(X, y, sample_weight)
        self.cost_matrix_ = matrix
        self.cost_power_ = power
        self.cv_costs_, self.cv_standard_errors_ = cross_validation or (None, None)
        self.class_costs_, self.cost_factors_, self.margin_scales_ = class_costs, factors, scales
        self.calibrator_ = calibrator
        self.estimators_, self.estimator_weights_, self.estimator_errors_ = members, weights, errors
        return self

    def _chosen_cost_power(self, X, y, sample_weight, matrix):
        """The power of the costs to train on, and the cross-validated costs it was chosen by.

        Returns ``(power, (cv_costs, standard_errors))``; the second is None
        when nothing was cross-validated: a numeric ``cost_power``, equal
        costs (every power trains the same ensemble), or a class with fewer
        samples than folds.
        """
        if self.cost_power != "cv":
            return float(self.cost_power), None
        classes = self.classes_
        y_index = np.searchsorted(classes, y)
        if _has_equal_costs(matrix) or np.bincount(y_index, minlength=classes.size).min() < _COST_POWER_FOLDS:
            return 1.0, None
        folds = StratifiedKFold(
            _COST_POWER_FOLDS,
            shuffle=True,
            random_state=check_random_state(self.random_state).randint(np.iinfo(np.int32).max),
        )
        # each sample's held-out cost under each power
        held_out = np.zeros((len(_COST_POWERS), y.shape[0]))
        for train, test in folds.split(X, y):
            for k, power in enumerate(_COST_POWERS):
                candidate = clone(self).set_params(cost_matrix=matrix, cost_power=power)
                prediction = candidate.fit(X[train], y[train], sample_weight[train]).predict(X[test])
                held_out[k, test] = matrix[y_index[test], np.searchsorted(classes, prediction)]
        # sample_weight sums to 1: the weighted means and their standard errors
        cv_costs = held_out @ sample_weight
        errors = np.sqrt(((held_out - cv_costs[:, None]) ** 2) @ sample_weight**2)
        best = int(np.argmin(cv_costs))
        # (the same mistakes summed in another order may differ in the last bits)
        within = cv_costs <= (cv_costs[best] + errors[best]) * (1.0 + 1e-9)
        return _COST_POWERS[int(np.argmax(within))], (cv_costs, errors)

    def _scaled_margin_rounds(self, X, y, initial, scale, mistake_scale):
        """Boosting on ``sum_i D_1(i) exp(-b_i y_i . F(x_i) / K)``; returns members, weights, errors.

        ``y_i . F`` is the margin in SAMME's symmetric coding of the classes
        and ``b_i = scale[i]`` the margin scale of sample i's class. Each round
        fits the learner to ``D * b`` (the loss's gradient at the current
        vote), takes the exact step along it and multiplies ``D`` by
        ``exp(-a b_i u_i)``, ``u_i = K / (K - 1)`` for a correct prediction and
        ``-s_i K / (K - 1) ** 2`` for a mistake (``s_i`` its cost share). The
        member's weight is ``a K**2 / (K - 1)**2``, SAMME's ``alpha`` when
        every ``b_i`` is 1. Stops as :meth:`_samme` does.
        """
        random_state = check_random_state(self.random_state)
        fitter = _Members(self.estimator_, X, presort=True)
        K = self.n_classes_
        zero_weight = initial == 0.0
        weight = initial
        members = []
        weights = np.zeros(self.n_estimators)
        errors = np.ones(self.n_estimators)
        for iboost in range(self.n_estimators):
            weight = _floored(weight, zero_weight)
            gradient = weight * scale
            gradient /= gradient.sum()
            member = self._make_member(random_state)
            fitter.fit(member, y, gradient)
            prediction = fitter.predict(member)
            incorrect = prediction != y
            share = incorrect.astype(np.float64)
            if mistake_scale is not None:
                share *= mistake_scale(prediction)
            error = float(np.dot(share, gradient))
            if error <= 0:
                members.append(member)
                weights[iboost], errors[iboost] = 1.0, 0.0
                break
            slope = scale * np.where(incorrect, -share * K / (K - 1.0) ** 2, K / (K - 1.0))
            if not np.dot(weight, slope) > 0:
                # no better than chance on the scaled margin
                if not members:
                    members.append(member)
                    weights[iboost], errors[iboost] = 1.0, error
                break
            step = self.learning_rate * _exact_step(weight, slope)
            members.append(member)
            weights[iboost], errors[iboost] = step * K**2 / (K - 1.0) ** 2, error
            if iboost == self.n_estimators - 1:
                break
            # in logs, shifted by the largest, so that no weight overflows
            with np.errstate(divide="ignore"):
                log_weight = np.log(weight) - step * slope
            weight = np.exp(log_weight - log_weight.max())
            weight /= weight.sum()
        return members, weights, errors

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
