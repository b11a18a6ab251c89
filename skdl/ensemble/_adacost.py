"""AdaCost: misclassification cost-sensitive boosting (Fan et al., ICML 1999)."""

import numpy as np
from scipy.special import expit
from sklearn.base import ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from ..tree import DecisionTreeClassifier
from ..utils._sklearn_compat import _fit_context
from ..utils._validation import unchanged_on_error
from ..utils._tags import with_xfail_checks
from ._weight_boosting import _WEIGHT_REASON, BaseWeightBoosting, _Members


def _class_costs(cost_matrix, classes):
    """Cost of misclassifying each of the two classes, validated.

    Returns
    -------
    costs : ndarray of shape (2,)
        ``costs[k]`` is the cost of predicting the other class for a sample
        of class ``classes[k]``.
    """
    if cost_matrix is None:
        return np.ones(2)
    if isinstance(cost_matrix, dict):
        missing = [c for c in classes if c not in cost_matrix]
        unknown = [c for c in cost_matrix if c not in set(classes.tolist())]
        if missing or unknown:
            raise ValueError(
                f"cost_matrix as a dict must map each class of y {classes.tolist()} to the "
                f"cost of misclassifying it; missing {missing}, unknown {unknown}."
            )
        costs = np.array([cost_matrix[c] for c in classes], dtype=np.float64)
    else:
        matrix = np.asarray(cost_matrix, dtype=np.float64)
        if matrix.shape != (2, 2):
            raise ValueError(
                f"cost_matrix must have shape (n_classes, n_classes) = (2, 2); got {matrix.shape}."
            )
        if not np.all(np.isfinite(matrix)):
            raise ValueError("cost_matrix contains NaN or infinity.")
        if np.any(matrix < 0):
            raise ValueError("cost_matrix must not have negative entries.")
        if np.any(np.diag(matrix) != 0):
            raise ValueError(
                "cost_matrix must have a zero diagonal: cost_matrix[i, i] is the cost of a "
                "correct prediction."
            )
        costs = np.array([matrix[0, 1], matrix[1, 0]])
    if not np.all(np.isfinite(costs)) or np.any(costs < 0):
        raise ValueError(f"Misclassification costs must be finite and >= 0; got {costs.tolist()}.")
    if not costs.max() > 0:
        raise ValueError("At least one misclassification cost must be positive.")
    return costs


class AdaCostClassifier(ClassifierMixin, BaseWeightBoosting):
    """AdaCost: AdaBoost whose weight update depends on misclassification costs.

    A sample of cost factor ``c`` in ``[0, 1]`` gets the cost adjustment
    ``beta_minus = 0.5 * c + 0.5`` when misclassified and ``beta_plus =
    -0.5 * c + 0.5`` when classified correctly. With labels and predictions in
    ``{-1, +1}``, each round computes ``r = sum_i D_i y_i h(x_i) beta_i``,
    gives the learner the weight ``alpha = 0.5 * log((1 + r) / (1 - r))`` and
    updates ``D_i <- D_i exp(-alpha y_i h(x_i) beta_i) / Z``: a costly
    mistake raises its weight faster, a costly correct sample loses weight
    more slowly. The prediction is ``sign(sum_t alpha_t h_t(x))``. See the
    :ref:`user guide <boosting>`.

    Parameters
    ----------
    estimator : object, default=None
        The weak learner; it must accept ``sample_weight``. None is a stump,
        ``skdl.tree.DecisionTreeClassifier(max_depth=1)``.

    n_estimators : int, default=50
        Maximum number of rounds.

    learning_rate : float, default=1.0
        Multiplies each ``alpha`` (1 is the paper's algorithm).

    cost_matrix : array-like of shape (2, 2), dict or None, default=None
        Misclassification costs. An array: ``cost_matrix[i, j]`` is the cost
        of predicting ``classes_[j]`` for a sample of class ``classes_[i]``
        (the layout of :func:`sklearn.metrics.confusion_matrix`), with a zero
        diagonal. A dict: ``{class: cost of misclassifying that class}``.
        None: equal costs. Entries must be finite and non-negative.

    random_state : int, RandomState instance or None, default=None
        Seeds the ``random_state`` of every learner.

    Attributes
    ----------
    estimator_ : estimator
        The unfitted weak learner.

    estimators_ : list of estimators
        The fitted members.

    estimator_weights_ : ndarray of shape (n_estimators,)
        ``alpha`` of each member (zero for rounds not run).

    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted error of each member under ``D`` (one for rounds not run).

    class_costs_ : ndarray of shape (2,)
        Cost of misclassifying each class of ``classes_``.

    cost_factors_ : ndarray of shape (2,)
        The normalised cost factors ``c`` in ``[0, 1]`` of the two classes.

    classes_ : ndarray of shape (2,)
        The class labels.

    n_classes_ : int
        Always 2.

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

    Notes
    -----
    Two choices the paper leaves open are fixed here. The cost factors are
    ``c = (cost - min cost) / max cost``, which maps the costs into
    ``[0, 1]``, keeps their ratio visible (a cost ratio ``R`` gives the
    costly class ``c = 1 - 1/R``) and gives equal costs ``c = 0``, where
    ``beta = 1/2`` for every sample and AdaCost is AdaBoost with halved
    steps; the raw ratio ``c = cost / max cost`` would instead give equal
    costs ``beta_plus = 0`` and ``r < 0`` at every round. The initial
    distribution is the paper's suggestion ``D_1(i) ∝ cost_i`` (times
    ``sample_weight``). Boosting stops at a learner with ``r <= 0``
    (discarded; an error if it is the first) or a perfect one (kept). Since
    ``beta_plus + beta_minus = 1``, ``r = sum_i D_i beta_plus_i - err_D``:
    a learner must beat a cost-dependent error rate, and with large cost
    ratios a stump may not manage it in the first round; lower the ratio or
    use a deeper tree then. Only binary problems are supported.

    References
    ----------
    .. [1] W. Fan, S. J. Stolfo, J. Zhang and P. K. Chan, "AdaCost:
       misclassification cost-sensitive boosting", ICML 1999.

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
        **BaseWeightBoosting._parameter_constraints,
        "cost_matrix": ["array-like", dict, None],
    }

    def __init__(
        self, estimator=None, *, n_estimators=50, learning_rate=1.0, cost_matrix=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.cost_matrix = cost_matrix
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return with_xfail_checks(
            tags, {"check_sample_weight_equivalence_on_dense_data": _WEIGHT_REASON}
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build a cost-sensitive boosted classifier from (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Binary class labels.
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
            if y_type != "binary":
                raise ValueError(
                    "Only binary classification is supported. The type of the target "
                    f"is {y_type}."
                )
            classes = np.unique(y)
            if classes.shape[0] != 2:
                raise ValueError(
                    "AdaCostClassifier needs two classes in y; y has 1 class."
                )
            costs = _class_costs(self.cost_matrix, classes)
            self.estimator_ = self._validated_estimator(DecisionTreeClassifier(max_depth=1))
            self.classes_ = classes
            self.n_classes_ = 2
            factors = (costs - costs.min()) / costs.max()
            members, weights, errors = self._boost(X, y, sample_weight, costs, factors)
        self.class_costs_, self.cost_factors_ = costs, factors
        self.estimators_, self.estimator_weights_, self.estimator_errors_ = members, weights, errors
        return self

    def _boost(self, X, y, sample_weight, costs, factors):
        """The AdaCost rounds; returns the members, their alphas and errors."""
        random_state = check_random_state(self.random_state)
        fitter = _Members(self.estimator_, X, presort=True)
        y_index = np.searchsorted(self.classes_, y)
        c = factors[y_index]
        beta_minus = 0.5 * c + 0.5
        beta_plus = -0.5 * c + 0.5
        D = sample_weight * costs[y_index]
        D /= D.sum()
        members = []
        weights = np.zeros(self.n_estimators)
        errors = np.ones(self.n_estimators)
        for iboost in range(self.n_estimators):
            member = self._make_member(random_state)
            fitter.fit(member, y, D)
            correct = fitter.predict(member) == y
            yh = np.where(correct, 1.0, -1.0)
            beta = np.where(correct, beta_plus, beta_minus)
            r = float(np.sum(D * yh * beta))
            if r <= 0:
                if not members:
                        raise ValueError(
                        "The first learner of AdaCostClassifier has r = sum D y h beta <= 0 "
                        "(no better than chance under the costs); the ensemble can not be "
                        "fit. Lower the cost ratio or use a stronger estimator."
                    )
                break
            alpha = self.learning_rate * 0.5 * np.log((1.0 + r) / (1.0 - r))
            members.append(member)
            weights[iboost] = alpha
            errors[iboost] = float(D[~correct].sum())
            if correct.all() or iboost == self.n_estimators - 1:
                break
            D = D * np.exp(-alpha * yh * beta)
            D /= D.sum()
        return members, weights, errors

    def staged_decision_function(self, X):
        """Normalised margin ``sum_t alpha_t h_t(x) / sum_t alpha_t`` after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        score : ndarray of shape (n_samples,)
            In ``[-1, 1]``; positive favours ``classes_[1]``.
        """
        members = self._members(X)
        margin = 0.0
        norm = 0.0
        for alpha, member in zip(self.estimator_weights_, self.estimators_):
            h = np.where(members.predict(member) == self.classes_[1], 1.0, -1.0)
            margin = margin + alpha * h
            norm += alpha
            yield margin / norm

    def decision_function(self, X):
        """Normalised margin ``sum_t alpha_t h_t(x) / sum_t alpha_t``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,)
            In ``[-1, 1]``; positive favours ``classes_[1]``.
        """
        decision = None
        for decision in self.staged_decision_function(X):
            pass
        return decision

    def predict(self, X):
        """Predict classes: ``sign(sum_t alpha_t h_t(x))``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_.take((self.decision_function(X) > 0).astype(int))

    def staged_predict(self, X):
        """Predicted classes after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        y : ndarray of shape (n_samples,)
        """
        for decision in self.staged_decision_function(X):
            yield self.classes_.take((decision > 0).astype(int))

    @staticmethod
    def _proba(decision):
        p1 = expit(2.0 * decision)
        return np.column_stack([1.0 - p1, p1])

    def predict_proba(self, X):
        """Class probabilities ``[1 - p, p]`` with ``p = 1 / (1 + exp(-2 margin))``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
        """
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """Class probabilities after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        proba : ndarray of shape (n_samples, 2)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)
