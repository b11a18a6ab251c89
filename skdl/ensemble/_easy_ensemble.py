"""EasyEnsembleClassifier: boosted learners on balanced random subsets.

Also holds the helpers the imbalance ensembles share (default learner, seeding
of the cloned learners, the boosting score).
"""

import numbers
import warnings

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.random import sample_without_replacement
from sklearn.utils.validation import check_is_fitted

from ..under_sampling import RandomUnderSampler
from ..utils._parallel import Parallel, delayed
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _set_random_states,
    validate_data,
)
from ..utils._validation import check_binary_or_more_classes, check_single_output, unchanged_on_error

_MAX_SEED = np.iinfo(np.int32).max


def _default_booster():
    """The default learner of the imbalance ensembles: skdl's AdaBoost of stumps."""
    from ._weight_boosting import AdaBoostClassifier

    return AdaBoostClassifier()


def _seeded_clone(estimator, rng):
    """A clone of ``estimator`` with every ``*random_state`` parameter drawn from ``rng``."""
    estimator = clone(estimator)
    _set_random_states(estimator, rng)
    return estimator


def boosting_score(estimator, X):
    """``sum_j alpha_j h_j(x)`` of a fitted binary booster, ``h_j = +1`` for class 1.

    Boosters exposing ``estimators_`` and ``estimator_weights_`` (AdaBoost) are
    scored from that definition, whatever normalisation their own
    ``decision_function`` applies; other classifiers give their
    ``decision_function``, or the log-odds of ``predict_proba``.

    Parameters
    ----------
    estimator : fitted classifier
        Fitted on labels {0, 1}.
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    score : ndarray of shape (n_samples,)
    """
    learners = getattr(estimator, "estimators_", None)
    weights = getattr(estimator, "estimator_weights_", None)
    if learners is not None and weights is not None:
        score = np.zeros(X.shape[0])
        for learner, weight in zip(learners, weights):
            if weight != 0:
                score += weight * (2.0 * (learner.predict(X) == 1) - 1.0)
        return score
    if hasattr(estimator, "decision_function"):
        return np.asarray(estimator.decision_function(X), dtype=np.float64)
    proba = np.clip(estimator.predict_proba(X)[:, 1], 1e-12, 1 - 1e-12)
    return np.log(proba) - np.log1p(-proba)


def _fit_learner(estimator, X, y):
    return estimator.fit(X, y)


def _member_proba(member, X, n_classes):
    """A member's class probabilities; its one-hot vote without ``predict_proba`` (as bagging)."""
    if hasattr(member, "predict_proba"):
        return member.predict_proba(X)
    return np.eye(n_classes)[np.asarray(member.predict(X), dtype=np.intp)]


def _member_subset(member, seed, y, n_features):
    """Fit the sampler of a ``(sampler, classifier)`` member; the indices of its subset.

    scikit-learn's bagging (imbalanced-learn's EasyEnsembleClassifier) draws,
    from ``RandomState(seed)``, a feature permutation and then a row
    permutation, and hands the permuted rows to the member, whose sampler then
    draws its subset from them. The same two draws are made here, so the
    subsets are imbalanced-learn's; the sampler is fitted on a zero stand-in
    of X's shape (only its drawn indices are needed), and the classifier is
    then fitted on the subset alone, so no permuted copy of X is made.

    Returns
    -------
    subset : ndarray of int
        Indices into the training rows.
    """
    seed_rng = np.random.RandomState(seed)
    sample_without_replacement(n_features, n_features, random_state=seed_rng)
    rows = sample_without_replacement(y.size, y.size, random_state=seed_rng)
    sampler = member.named_steps["sampler"]
    stand_in = np.broadcast_to(np.zeros((1, n_features)), (y.size, n_features))
    sampler.fit_resample(stand_in, y[rows])
    return rows[sampler.sample_indices_]


class EasyEnsembleClassifier(ClassifierMixin, BaseEstimator):
    """EasyEnsemble: a boosted learner on each of several balanced random subsets.

    Each of the ``n_estimators`` learners is fitted on all the minority
    samples and an equally large random subset of every other class (a random
    under-sampling); predictions average the learners' class probabilities.
    Every majority sample has a chance to be seen, unlike with one
    under-sampling, and each learner trains on balanced data.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    n_estimators : int, default=10
        Number of balanced subsets, and of learners (T in [1]_).
    estimator : classifier, default=None
        The learner fitted on each subset (``fit`` and ``predict``; one
        without ``predict_proba`` votes, as in scikit-learn's bagging). ``None`` uses an AdaBoost of 50
        decision stumps (skdl's ``AdaBoostClassifier``).
    sampling_strategy : float, str, dict or callable, default="auto"
        How each subset is drawn, as ``sampling_strategy`` of
        :class:`~skdl.under_sampling.RandomUnderSampler`; ``"auto"`` reduces
        every class but the minority to the minority's size.
    replacement : bool, default=False
        Draw each subset with replacement.
    n_jobs : int, default=None
        Learners fitted (and queried) in parallel with joblib threads. ``None``
        means 1 unless in a :obj:`joblib.parallel_backend` context, ``-1``
        uses all processors.
    random_state : int, RandomState instance or None, default=None
        Controls the subsets and the learners' own randomness.
    verbose : int, default=0
        joblib's verbosity while fitting.

    warm_start : bool, default=False
        When True, ``fit`` keeps the fitted learners and adds learners until
        there are ``n_estimators`` (as scikit-learn's bagging ensembles): the
        new subsets and learners are those a single fit with the larger
        ``n_estimators`` and the same ``random_state`` would draw.

    Attributes
    ----------
    estimator_ : imblearn.pipeline.Pipeline
        The unfitted ``[("sampler", RandomUnderSampler(...)), ("classifier",
        estimator)]`` Pipeline the members are cloned from, as
        imbalanced-learn's (``estimator``, or the default AdaBoost, is its
        ``"classifier"`` step).
    estimators_ : list of imblearn.pipeline.Pipeline
        The fitted members, each a clone of `estimator_`: ``named_steps
        ["sampler"]`` holds the fitted under-sampler (its ``sample_indices_``
        index the permuted rows scikit-learn's bagging hands each member, as
        in imbalanced-learn), ``named_steps["classifier"]`` the fitted
        learner. The sampler is skipped at prediction. For the same
        ``random_state`` and learner the members, subsets and probabilities
        are imbalanced-learn's.
    estimators_samples_ : list of ndarray
        Indices (into the training X) of the balanced subset each learner
        was fitted on. imbalanced-learn's attribute holds the row permutation
        its bagging draws before the sampler, i.e. every row.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    BalanceCascadeClassifier : Subsets drawn from the majority samples still misclassified.
    imblearn.ensemble.EasyEnsembleClassifier : The imbalanced-learn implementation.

    References
    ----------
    .. [1] X.-Y. Liu, J. Wu and Z.-H. Zhou, "Exploratory Undersampling for
       Class-Imbalance Learning", IEEE Transactions on Systems, Man, and
       Cybernetics, Part B 39(2), 539-550, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdl.ensemble import EasyEnsembleClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> clf = EasyEnsembleClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> len(clf.estimators_)
    5
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "sampling_strategy": [
            Interval(numbers.Real, 0, 1, closed="right"),
            StrOptions({"auto", "majority", "not minority", "not majority", "all"}),
            dict,
            callable,
        ],
        "replacement": ["boolean"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        n_estimators=10,
        estimator=None,
        *,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.n_estimators = n_estimators
        self.estimator = estimator
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit one learner per balanced random subset.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Class labels; at least two classes.

        Returns
        -------
        self : EasyEnsembleClassifier
            The fitted ensemble.
        """
        with unchanged_on_error(self):
            check_single_output(y)
            X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
            check_classification_targets(y)
            encoder = LabelEncoder().fit(y)
            check_binary_or_more_classes(encoder.classes_, "EasyEnsembleClassifier")
            y_encoded = encoder.transform(y)
            sampling_strategy = self.sampling_strategy
            if isinstance(sampling_strategy, dict):
                sampling_strategy = {encoder.transform([key])[0]: value for key, value in sampling_strategy.items()}
            elif callable(sampling_strategy):
                user_strategy = self.sampling_strategy

                def sampling_strategy(y_enc):
                    wanted = user_strategy(encoder.inverse_transform(y_enc))
                    return {encoder.transform([key])[0]: value for key, value in wanted.items()}

            n_kept = len(self.estimators_) if self.warm_start and hasattr(self, "estimators_") else 0
            if n_kept > self.n_estimators:
                raise ValueError(
                    f"n_estimators={self.n_estimators} must be larger or equal to "
                    f"len(estimators_)={n_kept} when warm_start==True"
                )
            if n_kept and n_kept == self.n_estimators:
                warnings.warn("Warm-start fitting without increasing n_estimators does not fit new trees.")
                return self
            template = Pipeline(
                [
                    (
                        "sampler",
                        RandomUnderSampler(sampling_strategy=sampling_strategy, replacement=self.replacement),
                    ),
                    ("classifier", _default_booster() if self.estimator is None else self.estimator),
                ]
            )
            # The seeds of scikit-learn's bagging, which imbalanced-learn's
            # EasyEnsembleClassifier is: the kept members' seeds are drawn
            # (and dropped) first, so a grown ensemble equals a single fit.
            rng = check_random_state(self.random_state)
            if n_kept:
                rng.randint(_MAX_SEED, size=n_kept)
            seeds = rng.randint(_MAX_SEED, size=self.n_estimators - n_kept)
            members = [_seeded_clone(template, seed) for seed in seeds]
            subsets = [_member_subset(member, seed, y_encoded, X.shape[1]) for member, seed in zip(members, seeds)]
            # Threads: each member's classifier step is fitted in place.
            fitted = Parallel(n_jobs=self.n_jobs, prefer="threads", verbose=self.verbose)(
                delayed(_fit_learner)(member.named_steps["classifier"], X[index], y_encoded[index])
                for member, index in zip(members, subsets)
            )
            # The fitted learners come back from joblib: under a process or
            # cluster backend they are copies, not the objects sent.
            for member, classifier in zip(members, fitted):
                member.steps[-1] = (member.steps[-1][0], classifier)
            kept = (self.estimators_, self.estimators_samples_) if n_kept else ([], [])
            self.estimator_ = template
            self.estimators_ = kept[0] + members
            self.estimators_samples_ = kept[1] + subsets
            self.classes_ = encoder.classes_
            self.n_classes_ = encoder.classes_.size
        return self

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def predict_proba(self, X):
        """Class probabilities: the mean of the learners' probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, `n_classes_`)
            Columns follow `classes_`.
        """
        X = self._validate_X_predict(X)
        probas = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_member_proba)(member, X, self.n_classes_) for member in self.estimators_
        )
        return np.mean(probas, axis=0)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` where a probability is 0).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, `n_classes_`)
            Columns follow `classes_`.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def decision_function(self, X):
        """The log-odds of the averaged probabilities: same ranking and argmax.

        Binary: ``log(p_1 / p_0)``, positive favours ``classes_[1]``;
        multi-class: ``log p_k`` minus its mean over the classes. The score is
        a strictly increasing function of ``predict_proba``, so it ranks the
        samples as the probabilities do (ROC curves agree) and its argmax is
        ``predict``. The mean of the learners' own decision functions would
        not: a mean of log-odds is not the log-odds of the mean. With one
        AdaBoost learner it equals that learner's ``decision_function``
        (binary).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, `n_classes_`)
        """
        proba = self.predict_proba(X)
        # A learner may give probability 0 (a pure tree leaf): the smallest
        # positive float keeps the score finite and the order intact.
        log_proba = np.log(np.maximum(proba, np.finfo(proba.dtype).tiny))
        if len(self.classes_) == 2:
            return log_proba[:, 1] - log_proba[:, 0]
        return log_proba - log_proba.mean(axis=1, keepdims=True)

    def predict(self, X):
        """The class of highest mean probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
