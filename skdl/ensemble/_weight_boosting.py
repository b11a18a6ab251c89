"""AdaBoost: SAMME for classification, AdaBoost.R2 for regression."""

import inspect
import warnings
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone, is_regressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ..tree import DecisionTreeClassifier, DecisionTreeRegressor
from ..tree._classes import BaseDecisionTree
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _set_random_states,
    validate_data,
)
from ..utils._validation import unchanged_on_error


def _accepts_sample_weight(estimator):
    """True if ``estimator.fit`` takes a ``sample_weight`` argument."""
    try:
        return "sample_weight" in inspect.signature(estimator.fit).parameters
    except (TypeError, ValueError):
        return False


def _as_float32(X):
    """X in float32 for skdl trees, refusing values that overflow it.

    The trees validate X as float32 themselves (as scikit-learn's do), but the
    ensembles call them with ``check_input=False``: without this check 1e300
    would silently become inf and the members would fit garbage.
    """
    with np.errstate(over="ignore"):
        X32 = np.ascontiguousarray(X, dtype=np.float32)
    if not np.isfinite(X32).all():
        raise ValueError("Input X contains infinity or a value too large for dtype('float32').")
    return X32


# X as scikit-learn's boosters take it: sparse CSR/CSC and n-d arrays pass
# through untouched to members that accept them (the members validate it).
_X_CHECKS = {"accept_sparse": ["csr", "csc"], "allow_nd": True, "dtype": None}


def _floored(sample_weight, zero_weight):
    """Weights raised to at least machine epsilon (so logs stay finite), the zero ones kept zero."""
    sample_weight = np.clip(sample_weight, np.finfo(np.float64).eps, None)
    sample_weight[zero_weight] = 0.0
    return sample_weight


class _Members:
    """How an ensemble fits and queries its members on already validated X.

    skdl trees are fitted through their private ``_fit(check_input=False)``
    on one float32 copy of X (and, for the exact splitter, on feature orders
    sorted once for all rounds), so X is validated and sorted once, not once
    per round; they skip reproducing scikit-learn's summation order among
    tied values (``sklearn_order=False``), which only breaks exact-arithmetic
    ties between splits the other way. Any other estimator, and an skdl
    tree given sparse or n-d X, gets the public ``fit`` / ``predict``, which
    validates X its own way.
    """

    def __init__(self, estimator, X, presort):
        self.skdl_tree = isinstance(estimator, BaseDecisionTree) and not issparse(X) and X.ndim == 2
        if self.skdl_tree:
            # _fit(check_input=False) skips the tree's own parameter validation
            # (max_depth=-1 would otherwise run off its node arrays).
            estimator._validate_params()
        self.X = X
        self.X32 = _as_float32(X) if self.skdl_tree else None
        self.presorted = None
        if self.skdl_tree and presort and estimator.splitter == "best":
            self.presorted = np.argsort(self.X32.T, axis=1, kind="stable")

    def fit(self, member, y, sample_weight=None, rows=None):
        if self.skdl_tree:
            if rows is None:
                return member._fit(
                    self.X32,
                    y,
                    sample_weight,
                    check_input=False,
                    presorted=self.presorted,
                    sklearn_order=False,
                )
            return member._fit(self.X32[rows], y[rows], None, check_input=False, sklearn_order=False)
        if rows is None:
            return member.fit(self.X, y, sample_weight=sample_weight)
        return member.fit(self.X[rows], y[rows])

    def predict(self, member):
        return member._predict(self.X32) if self.skdl_tree else member.predict(self.X)


class BaseWeightBoosting(BaseEstimator):
    """Shared parameters, validation and staged prediction of the boosters."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __sklearn_tags__(self):
        # X goes to the learners unconverted (sparse too), as scikit-learn's
        # boosters pass it; the default trees take sparse X.
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _validated_estimator(self, default):
        """The estimator to boost (``default`` when None); its fit must take sample_weight."""
        estimator = default if self.estimator is None else self.estimator
        if not _accepts_sample_weight(estimator):
            raise ValueError(
                f"{estimator.__class__.__name__} doesn't support sample_weight: "
                f"{self.__class__.__name__} needs an estimator whose fit accepts it."
            )
        return estimator

    def _validate_fit_data(self, X, y, sample_weight):
        X, y = validate_data(self, X, y, y_numeric=is_regressor(self), **_X_CHECKS)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, copy=True, ensure_non_negative=True)
        total = sample_weight.sum()
        if not total > 0:
            raise ValueError("sample_weight must have at least one positive entry.")
        return X, y, sample_weight / total

    def _members(self, X):
        """Validate prediction input once; return X as the members want it."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, **_X_CHECKS)
        return _Members(self.estimator_, X, presort=False)

    def _make_member(self, random_state):
        member = clone(self.estimator_)
        _set_random_states(member, random_state)
        return member

    @property
    def feature_importances_(self):
        """Estimator-weighted mean of the members' feature importances.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
        """
        check_is_fitted(self)
        try:
            norm = self.estimator_weights_.sum()
            return (
                sum(
                    weight * member.feature_importances_
                    for weight, member in zip(self.estimator_weights_, self.estimators_)
                )
                / norm
            )
        except AttributeError as exc:
            raise AttributeError(
                "Unable to compute feature importances since the estimator does not have "
                "a feature_importances_ attribute."
            ) from exc

    def staged_score(self, X, y, sample_weight=None):
        """Score (accuracy or R^2) of the ensemble after each boosting round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Yields
        ------
        score : float
        """
        score = r2_score if is_regressor(self) else accuracy_score
        for y_pred in self.staged_predict(X):
            yield score(y, y_pred, sample_weight=sample_weight)


class BaseBoostingClassifier(ClassifierMixin, BaseWeightBoosting):
    """The SAMME rounds and every prediction method of the boosted classifiers.

    :class:`AdaBoostClassifier` and :class:`~skdl.ensemble.AdaCostClassifier`
    differ only in the initial distribution and in how much a mistake raises
    a sample's weight; both predict from the same normalised SAMME vote.
    """

    def _samme(self, X, y, sample_weight, mistake_scale=None, first_no_better="raise"):
        """The SAMME rounds; returns the members, their weights and errors.

        ``mistake_scale`` (None: ones) maps a member's predictions to how much
        each sample's mistake counts, ``s_i`` in ``[0, 1]``: the error is
        ``sum_i w_i s_i [h(x_i) != y_i]`` and a mistake multiplies the weight
        by ``exp(alpha * s_i)``. Without it this is SAMME in scikit-learn's
        arithmetic. ``first_no_better`` says what a
        first learner no better than chance does: ``"raise"`` or ``"keep"``
        (kept alone with weight one).
        """
        random_state = check_random_state(self.random_state)
        fitter = _Members(self.estimator_, X, presort=True)
        n_classes = self.n_classes_
        zero_weight = sample_weight == 0.0
        members = []
        weights = np.zeros(self.n_estimators)
        errors = np.ones(self.n_estimators)
        for iboost in range(self.n_estimators):
            sample_weight = _floored(sample_weight, zero_weight)
            member = self._make_member(random_state)
            fitter.fit(member, y, sample_weight)
            prediction = fitter.predict(member)
            incorrect = prediction != y
            if mistake_scale is not None:
                incorrect = incorrect * mistake_scale(prediction)
            error = float(np.average(incorrect, weights=sample_weight))
            if error <= 0:
                members.append(member)
                weights[iboost], errors[iboost] = 1.0, 0.0
                break
            if error >= 1.0 - 1.0 / n_classes:
                if not members:
                    if first_no_better == "keep":
                        members.append(member)
                        weights[iboost], errors[iboost] = 1.0, error
                        break
                    raise ValueError(
                        f"BaseClassifier in {self.__class__.__name__} ensemble is worse than "
                        "random, ensemble can not be fit: its first learner is no better than "
                        f"chance (weighted error {error:.3f} >= 1 - 1/n_classes)."
                    )
                break
            alpha = self.learning_rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0))
            members.append(member)
            weights[iboost], errors[iboost] = alpha, error
            if iboost == self.n_estimators - 1:
                break
            # scikit-learn's update, in its arithmetic; zero weights stay zero
            # (log 0 = -inf, exp(-inf) = 0), hence the silenced divide warning.
            with np.errstate(divide="ignore"):
                sample_weight = np.exp(np.log(sample_weight) + alpha * incorrect * (sample_weight > 0))
            total = sample_weight.sum()
            if not np.isfinite(total):
                warnings.warn(
                    f"Sample weights have reached infinite values at iteration {iboost}, "
                    "causing overflow. Iterations stopped. Try lowering the learning rate.",
                    stacklevel=3,
                )
                break
            if total <= 0:
                break
            sample_weight /= total
        return members, weights, errors

    def _votes(self, members):
        """Yield the normalised SAMME votes after each member."""
        n_classes = self.n_classes_
        classes = self.classes_[:, np.newaxis]
        pred = None
        norm = 0.0
        for weight, member in zip(self.estimator_weights_, self.estimators_):
            norm += weight
            vote = np.where(
                (members.predict(member) == classes).T,
                weight,
                -1.0 / max(n_classes - 1, 1) * weight,
            )
            pred = vote if pred is None else pred + vote
            yield pred / norm

    def _decision_from_votes(self, votes):
        if self.n_classes_ == 2:
            votes = votes.copy()
            votes[:, 0] *= -1
            return votes.sum(axis=1)
        return votes

    def staged_decision_function(self, X):
        """Decision function after each boosting round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        members = self._members(X)
        for votes in self._votes(members):
            yield self._decision_from_votes(votes)

    def decision_function(self, X):
        """Weighted vote of the members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, positive values favour ``classes_[1]``; else one
            column per class of ``classes_``: the weighted votes (a member's
            weight for its predicted class, ``-weight / (K - 1)`` for the
            others) divided by the total weight.
        """
        check_is_fitted(self)
        if self.n_classes_ == 1:
            X = validate_data(self, X, reset=False, **_X_CHECKS)
            return np.zeros((X.shape[0], 1))
        decision = None
        for decision in self.staged_decision_function(X):
            pass
        return decision

    def _labels(self, decision):
        if self.n_classes_ == 2:
            return self.classes_.take((decision > 0).astype(int), axis=0)
        return self.classes_.take(np.argmax(decision, axis=1), axis=0)

    def predict(self, X):
        """Predict classes: the class with the largest weighted vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if self.n_classes_ == 1:
            return np.full(len(self.decision_function(X)), self.classes_[0])
        return self._labels(self.decision_function(X))

    def staged_predict(self, X):
        """Predicted classes after each boosting round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        y : ndarray of shape (n_samples,)
        """
        for decision in self.staged_decision_function(X):
            yield self._labels(decision)

    def _proba(self, decision):
        if self.n_classes_ == 1:
            return np.ones((decision.shape[0], 1))
        if self.n_classes_ == 2:
            decision = np.vstack([-decision, decision]).T / 2
        else:
            decision = decision / (self.n_classes_ - 1)
        return softmax(decision, axis=1)

    def predict_proba(self, X):
        """Class probabilities: ``softmax(decision / (K - 1))`` (Zhu et al., eq. 15).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._proba(np.atleast_1d(self.decision_function(X)))

    def staged_predict_proba(self, X):
        """Class probabilities after each boosting round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))


class AdaBoostClassifier(BaseBoostingClassifier):
    """AdaBoost classifier with the multi-class SAMME algorithm.

    Each round fits a weak learner on the weighted training set, gives it the
    weight ``alpha = learning_rate * (log((1 - err) / err) + log(K - 1))``
    where ``err`` is its weighted error and ``K`` the number of classes, and
    multiplies the weights of the misclassified samples by ``exp(alpha)``.
    Boosting stops early at a perfect learner, or at one no better than
    chance (``err >= 1 - 1/K``), which is discarded. See the
    :ref:`user guide <boosting>`.

    Parameters
    ----------
    estimator : object, default=None
        The weak learner; it must accept ``sample_weight`` in ``fit``. None
        is ``skdl.tree.DecisionTreeClassifier(max_depth=1)``, a stump, whose
        split search runs over feature orders sorted once for all rounds.

    n_estimators : int, default=50
        Maximum number of rounds.

    learning_rate : float, default=1.0
        Shrinks each learner's weight ``alpha``.

    random_state : int, RandomState instance or None, default=None
        Seeds the ``random_state`` of every learner (as scikit-learn does).

    Attributes
    ----------
    estimator_ : estimator
        The unfitted weak learner the members are cloned from.

    estimators_ : list of estimators
        The fitted members.

    estimator_weights_ : ndarray of shape (n_estimators,)
        Weight ``alpha`` of each member (zero for rounds not run).

    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted error of each member (one for rounds not run).

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
    AdaBoostRegressor : AdaBoost.R2 for regression.
    AdaCostClassifier : Cost-sensitive AdaBoost.
    sklearn.ensemble.AdaBoostClassifier : The scikit-learn estimator this one mirrors.

    Notes
    -----
    There is no ``algorithm`` parameter: SAMME is the algorithm (scikit-learn
    1.8 removed SAMME.R). With the default stump and the same
    ``random_state``, the members are scikit-learn's.

    References
    ----------
    .. [1] Y. Freund and R. Schapire, "A Decision-Theoretic Generalization of
       On-Line Learning and an Application to Boosting", 1997.
    .. [2] J. Zhu, H. Zou, S. Rosset and T. Hastie, "Multi-class AdaBoost",
       Statistics and its Interface, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdl.ensemble import AdaBoostClassifier
    >>> X, y = make_classification(n_samples=500, random_state=0)
    >>> clf = AdaBoostClassifier(n_estimators=50, random_state=0).fit(X, y)
    >>> len(clf.estimators_)
    50
    >>> round(clf.score(X, y), 2)
    0.89
    """

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build a boosted classifier from the training set (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial weights (normalised to sum to one); uniform when None.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            X, y, sample_weight = self._validate_fit_data(X, y, sample_weight)
            check_classification_targets(y)
            self.estimator_ = self._validated_estimator(DecisionTreeClassifier(max_depth=1))
            self.classes_ = np.unique(y)
            self.n_classes_ = len(self.classes_)
            members, weights, errors = self._samme(X, y, sample_weight)
        self.estimators_, self.estimator_weights_, self.estimator_errors_ = members, weights, errors
        return self


class AdaBoostRegressor(RegressorMixin, BaseWeightBoosting):
    """AdaBoost.R2 regressor (Drucker, 1997).

    Each round fits the base regressor on a bootstrap sample drawn with the
    current weights, scales its absolute errors by the largest one into
    ``[0, 1]`` (``"linear"``), squares them (``"square"``) or takes
    ``1 - exp(-e)`` (``"exponential"``), and with the weighted mean loss
    ``L``, ``beta = L / (1 - L)``, gives the learner the weight
    ``learning_rate * log(1 / beta)`` and multiplies each sample weight by
    ``beta ** ((1 - loss_i) * learning_rate)``. Boosting stops at a perfect
    learner or one with ``L >= 0.5``. The prediction is the weighted median
    of the members' predictions. See the :ref:`user guide <boosting>`.

    Parameters
    ----------
    estimator : object, default=None
        The base regressor; None is
        ``skdl.tree.DecisionTreeRegressor(max_depth=3)``.

    n_estimators : int, default=50
        Maximum number of rounds.

    learning_rate : float, default=1.0
        Shrinks each learner's weight and the weight update.

    loss : {"linear", "square", "exponential"}, default="linear"
        How a sample's scaled absolute error becomes its loss.

    random_state : int, RandomState instance or None, default=None
        Seeds the bootstrap samples and the learners' ``random_state``.

    Attributes
    ----------
    estimator_ : estimator
        The unfitted base regressor.

    estimators_ : list of estimators
        The fitted members.

    estimator_weights_ : ndarray of shape (n_estimators,)
        Weight of each member (zero for rounds not run).

    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted mean loss ``L`` of each member (one for rounds not run).

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Estimator-weighted mean of the members' importances.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    See Also
    --------
    AdaBoostClassifier : SAMME for classification.
    sklearn.ensemble.AdaBoostRegressor : The scikit-learn estimator this one mirrors.

    References
    ----------
    .. [1] H. Drucker, "Improving Regressors using Boosting Techniques", ICML 1997.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skdl.ensemble import AdaBoostRegressor
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> reg = AdaBoostRegressor(n_estimators=30, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> reg.score(X, y) > 0.8
    True
    """

    _parameter_constraints = {
        **BaseWeightBoosting._parameter_constraints,
        "loss": [StrOptions({"linear", "square", "exponential"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        loss="linear",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.loss = loss
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build a boosted regressor from the training set (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial weights (normalised to sum to one); uniform when None.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            X, y, sample_weight = self._validate_fit_data(X, y, sample_weight)
            y = np.asarray(y, dtype=np.float64)
            self.estimator_ = DecisionTreeRegressor(max_depth=3) if self.estimator is None else self.estimator
            members, weights, errors = self._boost(X, y, sample_weight)
        self.estimators_, self.estimator_weights_, self.estimator_errors_ = members, weights, errors
        return self

    def _boost(self, X, y, sample_weight):
        """The AdaBoost.R2 rounds; returns the members, their weights and losses."""
        random_state = check_random_state(self.random_state)
        fitter = _Members(self.estimator_, X, presort=False)
        zero_weight = sample_weight == 0.0
        n = X.shape[0]
        members = []
        weights = np.zeros(self.n_estimators)
        errors = np.ones(self.n_estimators)
        for iboost in range(self.n_estimators):
            sample_weight = _floored(sample_weight, zero_weight)
            member = self._make_member(random_state)
            rows = random_state.choice(np.arange(n), size=n, replace=True, p=sample_weight)
            fitter.fit(member, y, rows=rows)
            members.append(member)
            error_vect = np.abs(fitter.predict(member) - y)
            mask = sample_weight > 0
            masked_weight = sample_weight[mask]
            loss = error_vect[mask]
            error_max = loss.max()
            if error_max != 0:
                loss = loss / error_max
            if self.loss == "square":
                loss = loss**2
            elif self.loss == "exponential":
                loss = 1.0 - np.exp(-loss)
            error = float((masked_weight * loss).sum())
            if error <= 0:
                weights[iboost], errors[iboost] = 1.0, 0.0
                break
            if error >= 0.5:
                if len(members) > 1:
                    members.pop()
                break
            beta = error / (1.0 - error)
            weights[iboost] = self.learning_rate * np.log(1.0 / beta)
            errors[iboost] = error
            if iboost == self.n_estimators - 1:
                break
            sample_weight[mask] *= np.power(beta, (1.0 - loss) * self.learning_rate)
            total = sample_weight.sum()
            if not np.isfinite(total) or total <= 0:
                break
            sample_weight /= total
        return members, weights, errors

    def _weighted_median(self, predictions, limit):
        """Weighted median over the first ``limit`` members (scikit-learn's rule)."""
        predictions = predictions[:, :limit]
        sorted_idx = np.argsort(predictions, axis=1)
        weight_cdf = np.cumsum(self.estimator_weights_[sorted_idx], axis=1)
        median_or_above = weight_cdf >= 0.5 * weight_cdf[:, -1][:, np.newaxis]
        median_idx = median_or_above.argmax(axis=1)
        rows = np.arange(predictions.shape[0])
        return predictions[rows, sorted_idx[rows, median_idx]]

    def _all_predictions(self, X):
        members = self._members(X)
        return np.array([members.predict(m) for m in self.estimators_]).T

    def predict(self, X):
        """Predict: the weighted median of the members' predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        return self._weighted_median(self._all_predictions(X), len(self.estimators_))

    def staged_predict(self, X):
        """Predictions after each boosting round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        y : ndarray of shape (n_samples,)
        """
        predictions = self._all_predictions(X)
        for limit in range(1, len(self.estimators_) + 1):
            yield self._weighted_median(predictions, limit)
