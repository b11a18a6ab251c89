"""ONNX export: ONNX Runtime's outputs against skdl's own predictions.

Each converted estimator must give ``predict``'s labels on at least 99.9 % of
held-out rows and its probabilities (or regression values, cluster distances)
within float32 rounding, on a real data set and on a synthetic one.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse

pytest.importorskip("skl2onnx", reason="ONNX export needs the onnx extra (pip install skdl[onnx])")
rt = pytest.importorskip("onnxruntime", reason="ONNX export is run with the onnx extra's onnxruntime")

from imblearn.pipeline import make_pipeline as make_imbalanced_pipeline  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
)
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

from skdl.cluster import KMeans  # noqa: E402
from skdl.ensemble import (  # noqa: E402
    AdaBoostClassifier,
    AdaBoostRegressor,
    AdaCostClassifier,
    BalanceCascadeClassifier,
    EasyEnsembleClassifier,
)
from skdl.linear_model import LogisticRegression  # noqa: E402
from skdl.nn import CNNClassifier, MLPClassifier  # noqa: E402
from skdl.onnx import export_net, supported_estimators, to_onnx  # noqa: E402
from skdl.over_sampling import SMOTE  # noqa: E402
from skdl.svm import SVC, LinearSVC  # noqa: E402
from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402
from skdl.utils import all_estimators  # noqa: E402

MIN_LABEL_AGREEMENT = 0.999
FLOAT32_ATOL = 1e-5


def _data(name):
    """float32 (X_train, X_test, y_train, y_test), small enough to fit fast."""
    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    elif name == "digits":
        X, y = load_digits(return_X_y=True)
        X, y = X[:500] / 16.0, y[:500]
    elif name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    else:  # synthetic, three classes
        X, y = make_classification(n_samples=400, n_features=8, n_informative=5, n_classes=3, random_state=0)
    return train_test_split(X.astype(np.float32), y, train_size=0.6, random_state=0)


def _run(onnx_model, X):
    session = rt.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def _assert_labels_agree(onnx_labels, expected):
    agreement = np.mean(np.ravel(onnx_labels) == expected)
    assert agreement >= MIN_LABEL_AGREEMENT, f"labels agree on {agreement:.4f} of rows"


CLASSIFIERS = {
    "LogisticRegression": lambda: LogisticRegression(),
    "DecisionTreeClassifier": lambda: DecisionTreeClassifier(max_depth=6, random_state=0),
    "AdaBoostClassifier": lambda: AdaBoostClassifier(n_estimators=8, random_state=0),
    "AdaCostClassifier": lambda: AdaCostClassifier(n_estimators=8, random_state=0),
    "EasyEnsembleClassifier": lambda: EasyEnsembleClassifier(
        n_estimators=2, estimator=AdaBoostClassifier(n_estimators=5), random_state=0
    ),
    "BalanceCascadeClassifier": lambda: BalanceCascadeClassifier(n_estimators=3, n_boost=5, random_state=0),
}
BINARY_ONLY = {"BalanceCascadeClassifier"}


@pytest.mark.parametrize(
    "name, dataset",
    [
        (name, dataset)
        for name in sorted(CLASSIFIERS)
        for dataset in ("breast_cancer", "digits", "synthetic")
        if name not in BINARY_ONLY or dataset == "breast_cancer"
    ],
)
def test_classifier_labels_and_probabilities(name, dataset):
    X_train, X_test, y_train, _ = _data(dataset)
    clf = CLASSIFIERS[name]().fit(X_train, y_train)
    labels, proba = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    np.testing.assert_allclose(proba, clf.predict_proba(X_test), atol=FLOAT32_ATOL)


def test_balance_cascade_cascade_threshold():
    X_train, X_test, y_train, _ = _data("breast_cancer")
    clf = BalanceCascadeClassifier(n_estimators=3, n_boost=5, decision_threshold="cascade", random_state=0).fit(
        X_train, y_train
    )
    labels, proba = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    np.testing.assert_allclose(proba, clf.predict_proba(X_test), atol=FLOAT32_ATOL)


def test_string_labels_are_mapped_back():
    X_train, X_test, y_train, _ = _data("synthetic")
    names = np.array(["ant", "bee", "cat"])
    for clf in (AdaCostClassifier(n_estimators=5, random_state=0), LogisticRegression()):
        clf.fit(X_train, names[y_train])
        labels, _ = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
        np.testing.assert_array_equal(labels, clf.predict(X_test))


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf", "sigmoid"])
@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_svc_every_kernel(kernel, dataset):
    X_train, X_test, y_train, _ = _data(dataset)
    gamma = 0.01 if kernel == "sigmoid" else "scale"
    clf = SVC(kernel=kernel, gamma=gamma).fit(X_train, y_train)
    labels, scores = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    if len(clf.classes_) == 2:
        # skl2onnx's binary SVC scores are [score, -score].
        scores = scores[:, 0]
    np.testing.assert_allclose(scores, clf.decision_function(X_test), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_linear_svc(dataset):
    X_train, X_test, y_train, _ = _data(dataset)
    clf = LinearSVC().fit(X_train, y_train)
    labels, scores = _run(to_onnx(clf, X_train[:1]), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    expected = clf.decision_function(X_test)
    np.testing.assert_allclose(scores.reshape(expected.shape), expected, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("dataset", ["digits", "synthetic"])
def test_kmeans_labels_and_distances(dataset):
    X_train, X_test, _, _ = _data(dataset)
    km = KMeans(n_clusters=5, random_state=0).fit(X_train)
    labels, distances = _run(to_onnx(km, X_train[:1]), X_test)
    _assert_labels_agree(labels, km.predict(X_test))
    np.testing.assert_allclose(distances, km.transform(X_test), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(
    "make_regressor",
    [
        lambda: DecisionTreeRegressor(max_depth=6, random_state=0),
        lambda: AdaBoostRegressor(n_estimators=8, random_state=0),
    ],
    ids=["DecisionTreeRegressor", "AdaBoostRegressor"],
)
def test_regressor_values(make_regressor):
    X_train, X_test, y_train, _ = _data("diabetes")
    reg = make_regressor().fit(X_train, y_train)
    (values,) = _run(to_onnx(reg, X_train[:1]), X_test)
    # Targets reach 346: float32 keeps about 7 significant digits of them.
    np.testing.assert_allclose(values.ravel(), reg.predict(X_test), rtol=1e-6, atol=FLOAT32_ATOL)


def _assert_pipeline_agrees(pipeline, X_train, X_test, *, proba=True):
    options = {id(pipeline.steps[-1][1]): {"zipmap": False}}
    outputs = _run(to_onnx(pipeline, X_train[:1], options=options), X_test)
    _assert_labels_agree(outputs[0], pipeline.predict(X_test))
    if proba:
        np.testing.assert_allclose(outputs[1], pipeline.predict_proba(X_test), atol=FLOAT32_ATOL)


def test_pipeline_scaler_svc():
    X_train, X_test, y_train, _ = _data("digits")
    pipeline = make_pipeline(StandardScaler(), SVC()).fit(X_train, y_train)
    _assert_pipeline_agrees(pipeline, X_train, X_test, proba=False)


def test_imbalanced_pipeline_leaves_the_sampler_out():
    X_train, X_test, y_train, _ = _data("breast_cancer")
    pipeline = make_imbalanced_pipeline(SMOTE(random_state=0), LogisticRegression()).fit(X_train, y_train)
    onnx_model = to_onnx(pipeline, X_train[:1], options={"zipmap": False})
    _assert_pipeline_agrees(pipeline, X_train, X_test)
    assert not any("SMOTE" in node.name for node in onnx_model.graph.node)


def test_column_transformer_one_hot_tree():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 4, 300), rng.normal(size=300)]).astype(np.float32)
    y = (X[:, 0] % 2 == 0) ^ (X[:, 1] > 0.3)
    X_train, X_test, y_train, _ = train_test_split(X, y.astype(int), random_state=0)
    pipeline = make_pipeline(
        ColumnTransformer(
            [("category", OneHotEncoder(), [0]), ("number", "passthrough", [1])],
            sparse_threshold=0.0,
        ),
        DecisionTreeClassifier(max_depth=4, random_state=0),
    ).fit(X_train, y_train)
    _assert_pipeline_agrees(pipeline, X_train, X_test)


def test_every_predicting_estimator_has_a_converter():
    supported = set(supported_estimators())
    missing = [name for name, cls in all_estimators() if hasattr(cls, "predict") and cls not in supported]
    assert not missing


@pytest.mark.parametrize("cls", supported_estimators(), ids=lambda c: c.__name__)
def test_unfitted_raises_not_fitted(cls):
    X = np.zeros((1, 3), dtype=np.float32)
    with pytest.raises(NotFittedError):
        to_onnx(cls(), X)


def test_callable_kernel_is_named():
    X_train, _, y_train, _ = _data("breast_cancer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = SVC(kernel=lambda A, B: A @ B.T).fit(X_train, y_train)
    with pytest.raises(NotImplementedError, match=r"SVC with kernel=<lambda>.*supported"):
        to_onnx(clf, X_train[:1])


def test_svc_multiclass_ovr_is_named():
    X_train, _, y_train, _ = _data("synthetic")
    clf = SVC(multiclass="ovr").fit(X_train, y_train)
    with pytest.raises(NotImplementedError, match="multiclass='ovr'"):
        to_onnx(clf, X_train[:1])


def test_too_old_opset_names_the_estimator():
    X_train, _, y_train, _ = _data("breast_cancer")
    clf = AdaCostClassifier(n_estimators=2, random_state=0).fit(X_train, y_train)
    # Opset 1's Reshape takes its shape as an attribute, not an input.
    with pytest.raises(RuntimeError, match="AdaCostClassifier.*Reshape"):
        to_onnx(clf, X_train[:1], target_opset=1)


@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_mlp_export(dataset):
    X_train, X_test, y_train, _ = _data(dataset)
    net = MLPClassifier(max_epochs=3, verbose=0, random_state=0).fit(X_train, y_train)
    labels, proba = _run(export_net(net), X_test)
    _assert_labels_agree(labels, net.predict(X_test))
    np.testing.assert_allclose(proba, net.predict_proba(X_test), atol=FLOAT32_ATOL)


def test_cnn_export_reshapes_rows_to_images():
    X_train, X_test, y_train, _ = _data("digits")
    net = CNNClassifier(input_shape=(1, 8, 8), max_epochs=2, verbose=0, random_state=0)
    net.fit(X_train, y_train)
    labels, proba = _run(export_net(net), X_test)
    _assert_labels_agree(labels, net.predict(X_test))
    np.testing.assert_allclose(proba, net.predict_proba(X_test), atol=FLOAT32_ATOL)


def test_net_export_bad_input():
    with pytest.raises(NotFittedError):
        export_net(MLPClassifier())
    X_train, _, y_train, _ = _data("synthetic")
    net = MLPClassifier(max_epochs=1, verbose=0, random_state=0)
    net.fit(X_train, np.array(["ant", "bee", "cat"])[y_train])
    with pytest.raises(NotImplementedError, match="integer class labels"):
        export_net(net)


def test_pipeline_scaler_mlp():
    X_train, X_test, y_train, _ = _data("breast_cancer")
    pipeline = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=3, verbose=0, random_state=0))
    pipeline.fit(X_train, y_train)
    _assert_pipeline_agrees(pipeline, X_train, X_test)


@pytest.mark.parametrize("dataset", ["breast_cancer", "synthetic"])
def test_adamec_calibrated_least_cost_rule(dataset):
    X_train, X_test, y_train, _ = _data(dataset)
    k = len(np.unique(y_train))
    cost = np.ones((k, k)) - np.eye(k)
    cost[1] *= 5.0  # missing class 1 costs five times more: the rule moves away from argmax
    clf = AdaCostClassifier(n_estimators=8, method="adamec", cost_matrix=cost, random_state=0)
    clf.fit(X_train, y_train)
    labels, proba = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    expected = clf.predict(X_test)
    assert np.any(expected != clf.classes_[np.argmax(clf.predict_proba(X_test), axis=1)])
    _assert_labels_agree(labels, expected)
    np.testing.assert_allclose(proba, clf.predict_proba(X_test), atol=FLOAT32_ATOL)


@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_svc_probability_platt(dataset):
    X_train, X_test, y_train, _ = _data(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # probability is deprecated, as in scikit-learn 1.9
        clf = SVC(probability=True, random_state=0).fit(X_train, y_train)
        expected = clf.predict_proba(X_test)
    labels, proba = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    np.testing.assert_allclose(proba, expected, atol=FLOAT32_ATOL)


def test_svc_fitted_on_sparse_input():
    X_train, X_test, y_train, _ = _data("breast_cancer")
    clf = SVC().fit(scipy.sparse.csr_matrix(X_train), y_train)
    assert scipy.sparse.issparse(clf.support_vectors_)
    labels, scores = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    np.testing.assert_allclose(scores[:, 0], clf.decision_function(X_test), rtol=1e-4, atol=1e-4)


def test_easy_ensemble_of_voters():
    # Learners without predict_proba vote (as in bagging); the graph votes too.
    X_train, X_test, y_train, _ = _data("synthetic")
    clf = EasyEnsembleClassifier(n_estimators=3, estimator=LinearSVC(), random_state=0).fit(X_train, y_train)
    assert not hasattr(clf.estimators_[0][-1], "predict_proba")
    labels, proba = _run(to_onnx(clf, X_train[:1], options={"zipmap": False}), X_test)
    _assert_labels_agree(labels, clf.predict(X_test))
    np.testing.assert_allclose(proba, clf.predict_proba(X_test), atol=FLOAT32_ATOL)
