"""The tour behind ``python -m skdl``: every skdl estimator in a Pipeline and a
small GridSearchCV on a dataset shipped with scikit-learn, next to its
scikit-learn (or imbalanced-learn) counterpart on the same split.

A family adds its estimators by adding one function that returns its
:class:`TourCase` objects and listing it in ``_CASE_FACTORIES``;
``tests/test_tour.py`` fails while a registered estimator has no case.
"""

import os
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.base import clone
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._config import config_context
from ._device import resolve_device

_DATASETS = {
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "diabetes": load_diabetes,
}


@dataclass(frozen=True)
class TourCase:
    """One row of the tour.

    Parameters
    ----------
    estimator : str
        Name of the skdl estimator, as :func:`skdl.utils.all_estimators` lists it.
    dataset : str
        A key of ``_DATASETS``.
    pipeline : Pipeline
        The skdl pipeline to search.
    peer : Pipeline
        The counterpart pipeline; it gets the best parameters found for skdl.
    param_grid : dict
        The full grid.
    quick_grid : dict
        The grid for ``--quick``.
    scoring : str or None
        Passed to GridSearchCV and used for the held-out scores.
    stratify : bool
        Stratify the train/test split (classification).
    cv : int
        Folds of the search.
    search_kwargs : dict
        Further GridSearchCV arguments.
    peer_note : str
        What the reader needs to know to compare with the peer, shown in the
        legend (e.g. that the peer is another algorithm).
    """

    estimator: str
    dataset: str
    pipeline: object
    peer: object
    param_grid: dict
    quick_grid: dict
    scoring: str = None
    stratify: bool = True
    cv: int = 3
    search_kwargs: dict = field(default_factory=dict)
    peer_note: str = ""


def _cluster_cases():
    from .cluster import KMeans

    return [
        TourCase(
            estimator="KMeans",
            dataset="digits",
            pipeline=make_pipeline(StandardScaler(), KMeans(n_clusters=10, random_state=0)),
            peer=make_pipeline(StandardScaler(), SklearnKMeans(n_clusters=10, random_state=0)),
            param_grid={"kmeans__init": ["k-means++", "random"], "kmeans__n_clusters": [8, 10, 12]},
            quick_grid={"kmeans__init": ["k-means++", "random"]},
            scoring="adjusted_rand_score",
        )
    ]


def _imbalanced_cases():
    from imblearn import ensemble as imb_ensemble
    from imblearn import over_sampling as imb_over
    from imblearn import under_sampling as imb_under
    from imblearn.pipeline import Pipeline as ImbPipeline
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoost
    from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
    from sklearn.preprocessing import KBinsDiscretizer

    from .ensemble import BalanceCascadeClassifier, EasyEnsembleClassifier
    from .over_sampling import SMOTE, SMOTEN, SMOTENC, BorderlineSMOTE, RandomOverSampler
    from .under_sampling import RandomUnderSampler

    def sampler_case(name, ours, peer, grid, quick, prepare=StandardScaler):
        def pipe(sampler):
            return ImbPipeline(
                [("prepare", prepare()), ("sampler", sampler), ("clf", SklearnLogisticRegression(max_iter=1000))]
            )

        return TourCase(
            estimator=name,
            dataset="breast_cancer",
            pipeline=pipe(ours),
            peer=pipe(peer),
            param_grid=grid,
            quick_grid=quick,
            scoring="roc_auc",
        )

    def ensemble_case(name, ours, peer, grid, quick, peer_note=""):
        return TourCase(
            estimator=name,
            dataset="breast_cancer",
            pipeline=ImbPipeline([("scale", StandardScaler()), ("clf", ours)]),
            peer=ImbPipeline([("scale", StandardScaler()), ("clf", peer)]),
            param_grid=grid,
            quick_grid=quick,
            scoring="roc_auc",
            peer_note=peer_note,
        )

    def two_binned_columns():
        # The last two features in 4 quantile bins (placed first), the others scaled:
        # breast cancer with two categorical columns, for SMOTENC.
        return ColumnTransformer(
            [("levels", KBinsDiscretizer(n_bins=4, encode="ordinal"), [28, 29])],
            remainder=StandardScaler(),
        )

    def all_binned():
        return KBinsDiscretizer(n_bins=4, encode="ordinal")

    k_grid = {"sampler__k_neighbors": [3, 5, 7], "sampler__sampling_strategy": [0.8, 1.0]}
    return [
        sampler_case(
            "SMOTE", SMOTE(random_state=0), imb_over.SMOTE(random_state=0), k_grid, {"sampler__k_neighbors": [3, 5]}
        ),
        sampler_case(
            "BorderlineSMOTE",
            BorderlineSMOTE(random_state=0),
            imb_over.BorderlineSMOTE(random_state=0),
            {**k_grid, "sampler__kind": ["borderline-1", "borderline-2"]},
            {"sampler__kind": ["borderline-1", "borderline-2"]},
        ),
        sampler_case(
            "SMOTENC",
            SMOTENC(categorical_features=[0, 1], random_state=0),
            imb_over.SMOTENC(categorical_features=[0, 1], random_state=0),
            k_grid,
            {"sampler__k_neighbors": [3, 5]},
            prepare=two_binned_columns,
        ),
        sampler_case(
            "SMOTEN",
            SMOTEN(random_state=0),
            imb_over.SMOTEN(random_state=0),
            k_grid,
            {"sampler__k_neighbors": [3, 5]},
            prepare=all_binned,
        ),
        sampler_case(
            "RandomOverSampler",
            RandomOverSampler(random_state=0),
            imb_over.RandomOverSampler(random_state=0),
            {"sampler__shrinkage": [None, 0.5, 1.0]},
            {"sampler__shrinkage": [None, 1.0]},
        ),
        sampler_case(
            "RandomUnderSampler",
            RandomUnderSampler(random_state=0),
            imb_under.RandomUnderSampler(random_state=0),
            {"sampler__sampling_strategy": [0.8, 1.0], "sampler__replacement": [False, True]},
            {"sampler__sampling_strategy": [1.0]},
        ),
        ensemble_case(
            "EasyEnsembleClassifier",
            EasyEnsembleClassifier(n_estimators=5, random_state=0),
            imb_ensemble.EasyEnsembleClassifier(n_estimators=5, estimator=SklearnAdaBoost(), random_state=0),
            {"clf__n_estimators": [5, 10]},
            {"clf__n_estimators": [5]},
        ),
        # The peer is imbalanced-learn's EasyEnsemble (it has no BalanceCascade) of the same size.
        ensemble_case(
            "BalanceCascadeClassifier",
            BalanceCascadeClassifier(n_estimators=5, n_boost=50, random_state=0),
            imb_ensemble.EasyEnsembleClassifier(n_estimators=5, estimator=SklearnAdaBoost(), random_state=0),
            {"clf__n_estimators": [5, 10]},
            {"clf__n_estimators": [5]},
            peer_note="imbalanced-learn has no BalanceCascade; its EasyEnsemble is the nearest",
        ),
    ]


def _tree_cases():
    from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoostClassifier
    from sklearn.ensemble import AdaBoostRegressor as SklearnAdaBoostRegressor
    from sklearn.pipeline import Pipeline
    from sklearn.tree import DecisionTreeClassifier as SklearnTreeClassifier
    from sklearn.tree import DecisionTreeRegressor as SklearnTreeRegressor

    from .ensemble import AdaBoostClassifier, AdaBoostRegressor, AdaCostClassifier
    from .tree import DecisionTreeClassifier, DecisionTreeRegressor

    def case(name, dataset, ours, peer, grid, quick, scoring, stratify=True, peer_note=""):
        return TourCase(
            estimator=name,
            dataset=dataset,
            pipeline=Pipeline([("clf", ours)]),
            peer=Pipeline([("clf", peer)]),
            param_grid=grid,
            quick_grid=quick,
            scoring=scoring,
            stratify=stratify,
            peer_note=peer_note,
        )

    return [
        case(
            "DecisionTreeClassifier",
            "breast_cancer",
            DecisionTreeClassifier(random_state=0),
            SklearnTreeClassifier(random_state=0),
            {"clf__max_depth": [3, 5, None], "clf__criterion": ["gini", "entropy"]},
            {"clf__max_depth": [3, None]},
            "accuracy",
        ),
        case(
            "DecisionTreeRegressor",
            "diabetes",
            DecisionTreeRegressor(random_state=0),
            SklearnTreeRegressor(random_state=0),
            {"clf__max_depth": [3, 5, 8], "clf__min_samples_leaf": [1, 10]},
            {"clf__max_depth": [3, 5]},
            "r2",
            stratify=False,
        ),
        case(
            "AdaBoostClassifier",
            "breast_cancer",
            AdaBoostClassifier(random_state=0),
            SklearnAdaBoostClassifier(random_state=0),
            {"clf__n_estimators": [50, 100], "clf__learning_rate": [0.5, 1.0]},
            {"clf__learning_rate": [0.5, 1.0]},
            "accuracy",
        ),
        case(
            "AdaBoostRegressor",
            "diabetes",
            AdaBoostRegressor(random_state=0),
            SklearnAdaBoostRegressor(random_state=0),
            {"clf__loss": ["linear", "square", "exponential"], "clf__n_estimators": [25, 50]},
            {"clf__loss": ["linear", "square"]},
            "r2",
            stratify=False,
        ),
        # Missing a malignant tumour (class 0) costs twice a false alarm; the
        # peer is scikit-learn's cost-blind AdaBoost of the same size.
        case(
            "AdaCostClassifier",
            "breast_cancer",
            AdaCostClassifier(cost_matrix={0: 2.0, 1: 1.0}, random_state=0),
            SklearnAdaBoostClassifier(random_state=0),
            {"clf__n_estimators": [25, 50, 100]},
            {"clf__n_estimators": [25, 50]},
            "balanced_accuracy",
            peer_note="the peer ignores the costs; AdaCost trades accuracy for fewer costly misses",
        ),
    ]


def _linear_cases():
    from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
    from sklearn.svm import SVC as SklearnSVC
    from sklearn.svm import LinearSVC as SklearnLinearSVC

    from .linear_model import LogisticRegression
    from .svm import SVC, LinearSVC

    return [
        TourCase(
            estimator="LogisticRegression",
            dataset="digits",
            pipeline=make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
            peer=make_pipeline(StandardScaler(), SklearnLogisticRegression(max_iter=500)),
            param_grid={"logisticregression__C": [0.01, 0.1, 1.0, 10.0]},
            quick_grid={"logisticregression__C": [0.1, 1.0]},
            scoring="accuracy",
        ),
        TourCase(
            estimator="LinearSVC",
            dataset="breast_cancer",
            pipeline=make_pipeline(StandardScaler(), LinearSVC(random_state=0)),
            peer=make_pipeline(StandardScaler(), SklearnLinearSVC(random_state=0)),
            param_grid={"linearsvc__C": [0.01, 0.1, 1.0], "linearsvc__loss": ["hinge", "squared_hinge"]},
            quick_grid={"linearsvc__C": [0.1, 1.0]},
            scoring="accuracy",
        ),
        TourCase(
            estimator="SVC",
            dataset="digits",
            pipeline=make_pipeline(StandardScaler(), SVC()),
            peer=make_pipeline(StandardScaler(), SklearnSVC()),
            param_grid={"svc__C": [0.1, 1.0, 10.0], "svc__gamma": ["scale", 0.01], "svc__kernel": ["rbf", "poly"]},
            quick_grid={"svc__C": [1.0, 10.0]},
            scoring="accuracy",
        ),
    ]


def _nn_cases():
    from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from .nn import CNNClassifier, MLPClassifier

    return [
        TourCase(
            estimator="MLPClassifier",
            dataset="breast_cancer",
            pipeline=make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
            peer=make_pipeline(StandardScaler(), SklearnMLPClassifier(random_state=0, max_iter=1000)),
            param_grid={
                "mlpclassifier__activation": ["relu", "tanh"],
                "mlpclassifier__hidden_layer_sizes": [(50,), (100,)],
            },
            quick_grid={"mlpclassifier__activation": ["relu", "tanh"]},
            scoring="accuracy",
        ),
        # The digits as 1x8x8 images; the peer is scikit-learn's MLPClassifier on
        # the same pixels as flat rows (scikit-learn has no convolutional network).
        TourCase(
            estimator="CNNClassifier",
            dataset="digits",
            pipeline=Pipeline(
                [
                    ("scale", MinMaxScaler()),
                    (
                        "clf",
                        CNNClassifier(
                            "vgg",
                            input_shape=(1, 8, 8),
                            lr_schedule="cosine",
                            learning_rate=3e-3,
                            batch_size=64,
                            max_epochs=30,
                            random_state=0,
                        ),
                    ),
                ]
            ),
            peer=Pipeline([("scale", MinMaxScaler()), ("clf", SklearnMLPClassifier(random_state=0, max_iter=500))]),
            param_grid={"clf__activation": ["relu", "tanh"]},
            quick_grid={"clf__activation": ["relu"]},
            scoring="accuracy",
            peer_note="scikit-learn has no convolutional network; its MLP sees the flat pixels",
        ),
    ]


_CASE_FACTORIES = [_cluster_cases, _imbalanced_cases, _tree_cases, _linear_cases, _nn_cases]


# The metric of each scoring, named in the table (short) and the legend (long).
_METRICS = {
    "adjusted_rand_score": ("ARI", "adjusted Rand index of the clusters against the classes"),
    "roc_auc": ("ROC AUC", "area under the ROC curve"),
    "accuracy": ("accuracy", "accuracy"),
    "balanced_accuracy": ("bal. acc", "balanced accuracy (the mean of the per-class recalls)"),
    "r2": ("R2", "coefficient of determination R2"),
}

# The table's widest line: the longest estimator name, dataset and metric
# with these columns stays within this many characters.
TABLE_WIDTH = 100


def tour_cases():
    """All tour cases, family by family.

    Returns
    -------
    cases : list of TourCase
    """
    return [case for factory in _CASE_FACTORIES for case in factory()]


def select_cases(names=None):
    """The tour cases of the named estimators, matched case-insensitively.

    Parameters
    ----------
    names : list of str, default=None
        Estimator names as :func:`skdl.utils.all_estimators` lists them, in
        any letter case; all cases when None.

    Returns
    -------
    cases : list of TourCase
        In the tour's order.

    Raises
    ------
    ValueError
        If a name is empty, given twice or not an estimator of the tour; the
        message lists the valid names.
    """
    cases = tour_cases()
    if names is None:
        return cases
    by_key = {case.estimator.lower(): case for case in cases}
    valid = ", ".join(case.estimator for case in cases)
    wanted = set()
    for name in names:
        key = name.strip().lower()
        if not key:
            raise ValueError(f"--estimator needs a name; got an empty one. Valid names: {valid}.")
        if key not in by_key:
            raise ValueError(f"--estimator {name!r} is not an estimator of the tour. Valid names: {valid}.")
        if key in wanted:
            raise ValueError(f"--estimator {by_key[key].estimator} is given twice; give each name once.")
        wanted.add(key)
    return [case for case in cases if case.estimator.lower() in wanted]


def _format_params(params):
    """Best parameters without the pipeline step prefixes."""
    return ", ".join(f"{key.split('__')[-1]}={value!r}" for key, value in sorted(params.items()))


def _public_path(obj):
    """``sklearn.cluster.KMeans`` for an instance of ``sklearn.cluster._kmeans.KMeans``."""
    public = []
    for part in type(obj).__module__.split("."):
        if part.startswith("_"):  # the public package ends where the private modules begin
            break
        public.append(part)
    return f"{'.'.join(public)}.{type(obj).__name__}"


def peer_name(case):
    """The peer's class that stands against skdl's in a case.

    The pipelines differ in one step (the estimator or the sampler); that
    step's class, by its public path, names the peer.

    Parameters
    ----------
    case : TourCase

    Returns
    -------
    name : str
    """
    for (_, ours), (_, theirs) in zip(case.pipeline.steps, case.peer.steps):
        if type(ours) is not type(theirs):
            return _public_path(theirs)
    return _public_path(case.peer.steps[-1][1])


def run_case(case, *, quick, random_state=0):
    """Search one case and score it and its peer on the same held-out split.

    Parameters
    ----------
    case : TourCase
    quick : bool
        Use the quick grid.
    random_state : int, default=0
        Seeds the train/test split.

    Returns
    -------
    row : dict
        Keys: estimator, dataset, metric (the scoring's name), peer (its
        class), peer_note, best_params, cv_score, test_score, peer_score,
        search_time (seconds of the whole search), fit_time (the refit of the
        best pipeline on the training split) and peer_fit_time (the same fit
        of the peer).
    """
    X, y = _DATASETS[case.dataset](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=random_state, stratify=y if case.stratify else None
    )
    grid = case.quick_grid if quick else case.param_grid
    search = GridSearchCV(clone(case.pipeline), grid, scoring=case.scoring, cv=case.cv, **case.search_kwargs)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    search_time = time.perf_counter() - start
    peer = clone(case.peer).set_params(**search.best_params_)
    start = time.perf_counter()
    peer.fit(X_train, y_train)
    peer_fit_time = time.perf_counter() - start
    scorer = search.scorer_
    return {
        "estimator": case.estimator,
        "dataset": case.dataset,
        "metric": case.scoring,
        "peer": peer_name(case),
        "peer_note": case.peer_note,
        "best_params": _format_params(search.best_params_),
        "cv_score": float(search.best_score_),
        "test_score": float(scorer(search.best_estimator_, X_test, y_test)),
        "peer_score": float(scorer(peer, X_test, y_test)),
        "search_time": search_time,
        "fit_time": search.refit_time_,
        "peer_fit_time": peer_fit_time,
    }


_COLUMNS = [
    ("estimator", "estimator", "{}"),
    ("dataset", "dataset", "{}"),
    ("metric", "metric", None),
    ("CV", "cv_score", "{:.4f}"),
    ("test", "test_score", "{:.4f}"),
    ("peer", "peer_score", "{:.4f}"),
    ("fit s", "fit_time", "{:.2f}"),
    ("peer s", "peer_fit_time", "{:.2f}"),
    ("search", "search_time", "{:.1f}"),
]


def _cell(row, key, fmt):
    if key == "metric":
        return _METRICS.get(row["metric"], (row["metric"],))[0]
    return fmt.format(row[key])


def format_table(rows):
    """Render tour rows as a plain-text table of at most ``TABLE_WIDTH`` columns.

    Parameters
    ----------
    rows : list of dict
        As :func:`run_case` returns them.

    Returns
    -------
    table : str
        The table; :func:`format_legend` explains its columns and rows.
    """
    cells = [[header for header, _, _ in _COLUMNS]]
    cells += [[_cell(row, key, fmt) for _, key, fmt in _COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_legend(rows, *, width=TABLE_WIDTH):
    """What the table's columns mean, and each row's metric, peer and best parameters.

    Parameters
    ----------
    rows : list of dict
        As :func:`run_case` returns them.
    width : int, default=TABLE_WIDTH
        Lines are wrapped at this width.

    Returns
    -------
    legend : str
    """
    wrap = textwrap.TextWrapper(width=width, subsequent_indent="    ")
    lines = wrap.wrap(
        "CV: best cross-validated score of the search; test: skdl's held-out score; peer: the "
        "held-out score of its scikit-learn or imbalanced-learn counterpart, refitted with the "
        "same best parameters on the same split; scores are higher-is-better, compare test with "
        "peer on the same row. fit s / peer s: seconds of one fit of each; search: seconds of the "
        "whole GridSearchCV."
    )
    metrics = sorted({row["metric"] for row in rows})
    lines += wrap.wrap(
        "Metrics: "
        + "; ".join(f"{_METRICS[m][0]} = {_METRICS[m][1]}" if m in _METRICS else str(m) for m in metrics)
        + "."
    )
    for row in rows:
        text = f"{row['estimator']}: peer {row['peer']}"
        if row.get("peer_note"):
            text += f" ({row['peer_note']})"
        text += f"; best {row['best_params'] or 'defaults'}."
        lines += wrap.wrap(text)
    return "\n".join(lines)


def numba_cache_is_empty():
    """Whether skdl's numba kernels have not been compiled and cached yet.

    numba's ``cache=True`` writes the compiled kernels (``*.nbi`` index
    files) to ``__pycache__`` beside the modules or, where the install is
    read-only, to numba's user cache directory or ``NUMBA_CACHE_DIR``.

    Returns
    -------
    empty : bool
    """
    roots = [Path(__file__).resolve().parent]
    if os.environ.get("NUMBA_CACHE_DIR"):
        roots.append(Path(os.environ["NUMBA_CACHE_DIR"]))
    try:
        from numba.misc.appdirs import AppDirs

        roots.append(Path(AppDirs(appname="numba", appauthor=False).user_cache_dir))
    except ImportError:  # pragma: no cover - numba's layout moved
        pass
    return not any(next(root.rglob("*.nbi"), None) for root in roots if root.is_dir())


def _status(text, end="\n"):
    print(text, end=end, file=sys.stderr, flush=True)


def run_tour(*, device="auto", quick=False, estimators=None, out=print, progress=_status):
    """Run the tour and print its table and legend.

    Parameters
    ----------
    device : str, default="auto"
        Device for every skdl estimator (set through :func:`skdl.config_context`).
    quick : bool, default=False
        Use the quick grids.
    estimators : list of str, default=None
        Only these estimators, matched case-insensitively; all when None.
    out : callable or None, default=print
        Receives the table and legend, line by line; None prints nothing
        (``--json`` prints the rows instead).
    progress : callable, default writes to stderr
        Called as ``progress(text, end=...)`` with the status lines: a notice
        when numba compiles on a first run, and one line per estimator.

    Returns
    -------
    rows : list of dict
        As :func:`run_case` returns them, plus the device.

    Raises
    ------
    ValueError
        If the device cannot be used, or a name in ``estimators`` is empty,
        repeated or unknown.
    """
    resolved = resolve_device(device)
    cases = select_cases(estimators)
    if numba_cache_is_empty():
        progress(
            "numba compiles skdl's CPU kernels on this first run, which makes it about twice as "
            "slow; the compiled code is cached (in __pycache__ beside the modules, else numba's "
            "user cache or NUMBA_CACHE_DIR), so later runs skip it."
        )
    rows = []
    with config_context(device=device):
        for number, case in enumerate(cases, start=1):
            progress(f"[{number}/{len(cases)}] {case.estimator} on {case.dataset} ...", end="")
            row = run_case(case, quick=quick)
            row["device"] = str(resolved)
            progress(f" {row['search_time']:.1f} s")
            rows.append(row)
    if out is not None:
        out(f"device: {resolved}")
        out(format_table(rows))
        out("")
        out(format_legend(rows))
    return rows
