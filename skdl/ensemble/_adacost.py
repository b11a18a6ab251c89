"""AdaCost: misclassification cost-sensitive boosting (Fan et al., ICML 1999)."""

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from ..tree import DecisionTreeClassifier
from ..utils._sklearn_compat import _fit_context
from ..utils._validation import unchanged_on_error
from ._weight_boosting import BaseWeightBoosting, _Members


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
                f"Misclassification costs must be finite and >= 0; got {costs.tolist()}."
            )
        matrix = costs[:, None] * (1.0 - np.eye(K))
    else:
        matrix = np.asarray(cost_matrix, dtype=np.float64)
        if matrix.shape != (K, K):
            raise ValueError(
                f"cost_matrix must have shape (n_classes, n_classes) = ({K}, {K}); "
                f"got {matrix.shape}."
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
    if not matrix.max() > 0:
        raise ValueError("At least one misclassification cost must be positive.")
    return matrix


def _cost_factors(matrix):
    """Costs normalised into [0, 1]: ``(cost - min) / max`` over the off-diagonal entries.

    Returns the factor of every (true, predicted) pair and each class's
    factor at stake (the largest of its row).
    """
    off = matrix[~np.eye(matrix.shape[0], dtype=bool)]
    pair = np.clip((matrix - off.min()) / off.max(), 0.0, 1.0)
    np.fill_diagonal(pair, 0.0)
    return pair, pair.max(axis=1)


class AdaCostClassifier(ClassifierMixin, BaseWeightBoosting):
    """AdaCost: AdaBoost whose weight update depends on misclassification costs.

    A sample of cost factor ``c`` in ``[0, 1]`` gets the cost adjustment
    ``beta_minus = 0.5 * c + 0.5`` when misclassified and ``beta_plus =
    -0.5 * c + 0.5`` when classified correctly. With labels and predictions in
    ``{-1, +1}``, each round computes ``r = sum_i D_i y_i h(x_i) beta_i``,
    gives the learner the weight ``alpha = 0.5 * log((1 + r) / (1 - r))`` and
    updates ``D_i <- D_i exp(-alpha y_i h(x_i) beta_i) / Z``: a costly
    mistake raises its weight faster, a costly correct sample loses weight
    more slowly. The prediction is ``sign(sum_t alpha_t h_t(x))``. More than
    two classes are handled by a SAMME-style extension (see Notes). See the
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

    cost_matrix : array-like of shape (n_classes, n_classes), dict or None, \
            default=None
        Misclassification costs. An array: ``cost_matrix[i, j]`` is the cost
        of predicting ``classes_[j]`` for a sample of class ``classes_[i]``
        (the layout of :func:`sklearn.metrics.confusion_matrix`), with a zero
        diagonal. A dict: ``{class: cost of misclassifying that class}`` (as
        any other class). None: equal costs. Entries must be finite and
        non-negative.

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

    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        The validated cost matrix, rows and columns in the order of
        ``classes_``.

    class_costs_ : ndarray of shape (n_classes,)
        Cost at stake for each class of ``classes_``: the largest cost of
        misclassifying it (for two classes, the cost of misclassifying it).

    cost_factors_ : ndarray of shape (n_classes,)
        The normalised cost factors ``c`` in ``[0, 1]`` of ``class_costs_``.

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

    Notes
    -----
    Choices the paper leaves open are fixed here. The cost factors are
    ``c = (cost - min cost) / max cost`` over the off-diagonal costs, which
    maps the costs into ``[0, 1]``, keeps their ratio visible (a cost ratio
    ``R`` gives the costly class ``c = 1 - 1/R``) and gives equal costs
    ``c = 0``, where ``beta = 1/2`` for every sample and AdaCost is AdaBoost
    with halved steps. The initial distribution is the paper's suggestion
    ``D_1(i) ∝ cost_i`` (times ``sample_weight``).

    Since ``beta_plus + beta_minus = 1``, ``r = sum_i D_i beta_plus_i -
    err_D``: a learner must beat a cost-dependent error rate, which with
    large cost ratios is low. Boosting stops, as AdaBoost does at a learner
    no better than chance, at the first learner with ``r <= 0``, which is
    discarded, and at a perfect learner, which is kept. If the *first*
    learner already has ``r <= 0``, it is kept alone with ``alpha = 1``: the
    ensemble is then the weak learner fitted to the cost-proportional
    distribution ``D_1``, the classic cost-sensitive reweighting, instead of
    a failed fit. ``len(estimators_) == 1`` with ``estimator_weights_[0] ==
    1`` reports that case.

    With ``K > 2`` classes (a SAMME-style extension, derived in the user
    guide), a correct sample of class ``k`` uses the factor ``c_k`` of the
    largest cost of misclassifying it, a misclassified one the factor of the
    mistake made, ``c = factor(cost_matrix[y_i, h(x_i)])``; ``D_1(i)`` is
    proportional to the largest cost of its class. With the cost-adjusted
    error ``eps = (1 - r) / 2`` the learner weight is ``alpha = 0.5 *
    (log((1 - eps) / eps) + log(K - 1))``, a learner is kept while ``alpha >
    0`` (``eps < 1 - 1/K``), the update is the binary one and the
    prediction is the class with the largest total ``alpha`` of the members
    predicting it. For ``K = 2`` this is the paper's algorithm.

    References
    ----------
    .. [1] W. Fan, S. J. Stolfo, J. Zhang and P. K. Chan, "AdaCost:
       misclassification cost-sensitive boosting", ICML 1999.
    .. [2] J. Zhu, H. Zou, S. Rosset and T. Hastie, "Multi-class AdaBoost",
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
                    "Only binary and multiclass targets are supported. The type of the "
                    f"target is {y_type}."
                )
            classes = np.unique(y)
            if classes.shape[0] < 2:
                raise ValueError(
                    "AdaCostClassifier needs at least two classes in y; y has 1 class."
                )
            matrix = _validated_cost_matrix(self.cost_matrix, classes)
            self.estimator_ = self._validated_estimator(DecisionTreeClassifier(max_depth=1))
            self.classes_ = classes
            self.n_classes_ = classes.shape[0]
            pair_factors, factors = _cost_factors(matrix)
            members, weights, errors = self._boost(X, y, sample_weight, matrix, pair_factors)
        self.cost_matrix_ = matrix
        self.class_costs_, self.cost_factors_ = matrix.max(axis=1), factors
        self.estimators_, self.estimator_weights_, self.estimator_errors_ = members, weights, errors
        return self

    def _boost(self, X, y, sample_weight, matrix, pair_factors):
        """The AdaCost rounds; returns the members, their alphas and errors."""
        random_state = check_random_state(self.random_state)
        fitter = _Members(self.estimator_, X, presort=True)
        K = self.classes_.shape[0]
        y_index = np.searchsorted(self.classes_, y)
        beta_plus = -0.5 * pair_factors.max(axis=1)[y_index] + 0.5
        D = sample_weight * matrix.max(axis=1)[y_index]
        D /= D.sum()
        members = []
        weights = np.zeros(self.n_estimators)
        errors = np.ones(self.n_estimators)
        for iboost in range(self.n_estimators):
            member = self._make_member(random_state)
            fitter.fit(member, y, D)
            pred_index = np.searchsorted(self.classes_, fitter.predict(member))
            correct = pred_index == y_index
            beta_minus = 0.5 * pair_factors[y_index, np.minimum(pred_index, K - 1)] + 0.5
            # u_i = y_i h(x_i) beta_i: beta_plus if correct, -beta_minus if not
            u = np.where(correct, beta_plus, -beta_minus)
            # r <= max beta_plus <= 1/2: alpha stays finite, even for a perfect learner
            r = float(np.sum(D * u))
            alpha = 0.5 * (np.log((1.0 + r) / (1.0 - r)) + np.log(K - 1))
            error = float(D[~correct].sum())
            if not alpha > 0:
                if not members:
                    # no learner beats chance under the costs: keep the first,
                    # fitted to the cost-proportional D_1, alone
                    members.append(member)
                    weights[iboost] = 1.0
                    errors[iboost] = error
                break
            alpha = self.learning_rate * alpha
            members.append(member)
            weights[iboost] = alpha
            errors[iboost] = error
            if correct.all() or iboost == self.n_estimators - 1:
                break
            D = D * np.exp(-alpha * u)
            D /= D.sum()
        return members, weights, errors

    def _votes(self, member_predictions):
        """One-hot SAMME code of a member's predictions: 1, else -1 / (K - 1)."""
        K = self.n_classes_
        codes = np.full((member_predictions.shape[0], K), -1.0 / (K - 1))
        codes[np.arange(member_predictions.shape[0]),
              np.searchsorted(self.classes_, member_predictions)] = 1.0
        return codes

    def staged_decision_function(self, X):
        """Normalised weighted vote after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Two classes: the margin ``sum_t alpha_t h_t(x) / sum_t alpha_t``
            in ``[-1, 1]``, positive favours ``classes_[1]``. More classes:
            ``sum_t alpha_t code_t(x) / sum_t alpha_t`` with the SAMME code
            (1 for the predicted class, ``-1 / (K - 1)`` for the others); the
            predicted class has the largest score.
        """
        members = self._members(X)
        score = 0.0
        norm = 0.0
        for alpha, member in zip(self.estimator_weights_, self.estimators_):
            pred = members.predict(member)
            if self.n_classes_ == 2:
                vote = np.where(pred == self.classes_[1], 1.0, -1.0)
            else:
                vote = self._votes(pred)
            score = score + alpha * vote
            norm += alpha
            yield score / norm

    def decision_function(self, X):
        """Normalised weighted vote of the members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            See :meth:`staged_decision_function`.
        """
        decision = None
        for decision in self.staged_decision_function(X):
            pass
        return decision

    def _classes_of(self, decision):
        if self.n_classes_ == 2:
            return self.classes_.take((decision > 0).astype(int))
        return self.classes_.take(np.argmax(decision, axis=1))

    def predict(self, X):
        """Predict classes: ``sign(sum_t alpha_t h_t(x))``, or the weighted vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self._classes_of(self.decision_function(X))

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
            yield self._classes_of(decision)

    def _proba(self, decision):
        if self.n_classes_ == 2:
            p1 = expit(2.0 * decision)
            return np.column_stack([1.0 - p1, p1])
        return softmax(decision / (self.n_classes_ - 1), axis=1)

    def predict_proba(self, X):
        """Class probabilities from the vote.

        Two classes: ``[1 - p, p]`` with ``p = 1 / (1 + exp(-2 margin))``.
        More: the softmax of ``decision_function / (K - 1)``, as scikit-learn's
        SAMME.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """Class probabilities after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)
