"""KMeans against scikit-learn's KMeans, hand-computed cases and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import sklearn
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_digits, load_iris, load_wine, make_blobs
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from skdl import config_context
from skdl.cluster import KMeans
from skdl.cluster._lloyd import _assign_torch, _CpuSums, inertia, nearest_centers, weighted_means


def _real_datasets():
    return {
        "iris": load_iris().data,
        "wine": StandardScaler().fit_transform(load_wine().data),
        "digits": load_digits().data,
    }


@pytest.mark.parametrize("dataset", ["iris", "wine", "digits"])
@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_same_result_as_sklearn_with_same_random_state(dataset, init):
    X = _real_datasets()[dataset]
    ours = KMeans(n_clusters=5, init=init, random_state=3, device="cpu").fit(X)
    ref = SklearnKMeans(n_clusters=5, init=init, random_state=3).fit(X)
    assert_array_equal(ours.labels_, ref.labels_)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fixed_init_matches_sklearn(dtype):
    X, _ = make_blobs(5000, 8, centers=6, random_state=0)
    X = X.astype(dtype)
    init = X[:6].copy()
    ours = KMeans(6, init=init, max_iter=50, tol=0, device="cpu").fit(X)
    ref = SklearnKMeans(6, init=init, n_init=1, max_iter=50, tol=0).fit(X)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-6)
    assert np.mean(ours.labels_ == ref.labels_) >= 0.999
    assert_allclose(ours.transform(X[:50]), ref.transform(X[:50]), rtol=1e-4, atol=1e-4)


def test_float32_is_computed_and_returned_in_float32():
    X = load_iris().data.astype(np.float32)
    km = KMeans(3, random_state=0, device="cpu").fit(X)
    assert km.cluster_centers_.dtype == np.float32
    assert km.transform(X).dtype == np.float32
    assert KMeans(3, random_state=0, device="cpu").fit(X.astype(np.int64)).cluster_centers_.dtype == np.float64


def test_empty_cluster_is_reseeded_from_the_farthest_point_like_sklearn():
    X, _ = make_blobs(600, 2, centers=3, random_state=1)
    init = np.vstack([X[:3], [[1e3, 1e3]]])  # the last center attracts no sample
    ours = KMeans(4, init=init, device="cpu").fit(X)
    ref = SklearnKMeans(4, init=init, n_init=1).fit(X)
    assert np.bincount(ours.labels_, minlength=4).min() > 0
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)


def test_centers_are_weighted_means_of_their_samples():
    X, _ = make_blobs(300, 3, centers=4, random_state=2)
    w = np.random.RandomState(0).uniform(0.1, 3.0, size=len(X))
    km = KMeans(4, random_state=0, device="cpu").fit(X, sample_weight=w)
    for j in range(4):
        members = km.labels_ == j
        expected = np.average(X[members], axis=0, weights=w[members])
        assert_allclose(km.cluster_centers_[j], expected, rtol=1e-10)
    wcss = sum(w[i] * np.sum((X[i] - km.cluster_centers_[km.labels_[i]]) ** 2) for i in range(len(X)))
    assert km.inertia_ == pytest.approx(wcss, rel=1e-12)


def test_weights_equal_repeated_rows():
    X, _ = make_blobs(200, 2, centers=3, random_state=0)
    repeats = np.random.RandomState(0).randint(0, 3, size=len(X))
    init = X[repeats > 0][:3]
    weighted = KMeans(3, init=init, device="cpu").fit(X, sample_weight=repeats)
    repeated = KMeans(3, init=init, device="cpu").fit(np.repeat(X, repeats, axis=0))
    assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_, rtol=1e-12)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-12)


def test_tol_is_relative_to_the_data_variance():
    X, _ = make_blobs(2000, 4, centers=5, cluster_std=3.0, random_state=0)
    small = KMeans(5, init="random", n_init=1, tol=1e-2, random_state=0, device="cpu").fit(X)
    scaled = KMeans(5, init="random", n_init=1, tol=1e-2, random_state=0, device="cpu").fit(X * 1e3)
    assert small.n_iter_ == scaled.n_iter_
    assert_array_equal(small.labels_, scaled.labels_)


def test_methods_agree_with_each_other():
    X = load_iris().data
    km = KMeans(3, random_state=0, device="cpu").fit(X)
    assert_array_equal(km.predict(X), km.labels_)
    assert_array_equal(KMeans(3, random_state=0, device="cpu").fit_predict(X), km.labels_)
    distances = km.transform(X)
    assert_array_equal(distances.argmin(axis=1), km.labels_)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-12)
    assert_allclose(KMeans(3, random_state=0, device="cpu").fit_transform(X), distances)
    assert list(km.get_feature_names_out()) == ["kmeans0", "kmeans1", "kmeans2"]


def test_callable_init_receives_centered_data_and_its_centers_are_used():
    X = load_iris().data
    seen = {}

    def first_rows(X_centered, n_clusters, random_state):
        seen["mean"] = X_centered.mean(axis=0)
        return X_centered[[0, 50, 100]]

    km = KMeans(3, init=first_rows, n_init=1, device="cpu").fit(X)
    ref = KMeans(3, init=X[[0, 50, 100]], device="cpu").fit(X)
    assert_allclose(seen["mean"], 0, atol=1e-12)
    assert_allclose(km.cluster_centers_, ref.cluster_centers_)


def test_n_init_auto_and_array_init_warning():
    X = load_iris().data
    with pytest.warns(RuntimeWarning, match="performing only one init"):
        KMeans(3, init=X[:3], n_init=4, device="cpu").fit(X)
    best_of_ten = KMeans(3, init="random", random_state=0, device="cpu").fit(X)
    single = KMeans(3, init="random", n_init=1, random_state=0, device="cpu").fit(X)
    assert best_of_ten.inertia_ <= single.inertia_


def test_duplicate_points_warn_about_fewer_distinct_clusters():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 10, axis=0)
    with pytest.warns(ConvergenceWarning, match="Number of distinct clusters"):
        KMeans(3, random_state=0, device="cpu").fit(X)


def test_cpu_kernel_matches_the_tensor_route_and_chunking_does_not_matter():
    X, _ = make_blobs(3000, 5, centers=7, random_state=4)
    Xt = torch.from_numpy(X)
    w = torch.from_numpy(np.random.RandomState(1).uniform(0.5, 2.0, len(X)))
    centers = Xt[:7].clone()
    cpu = _CpuSums(Xt, w, n_clusters=7).assign(centers)
    whole = _assign_torch(Xt, w, centers, True, chunk_rows=len(X))
    tiny_chunks = _assign_torch(Xt, w, centers, True, chunk_rows=7)
    for reference in (whole, tiny_chunks):
        assert_array_equal(cpu[0].numpy(), reference[0].numpy())
        for ours, theirs in zip(cpu[1:], reference[1:]):
            assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_incrementally_kept_sums_equal_a_full_recomputation(dtype):
    # The CPU route moves only the samples whose cluster changed; after many
    # steps from moving centers its sums must still be those of the labels.
    X, _ = make_blobs(5000, 4, centers=6, random_state=3)
    Xt = torch.from_numpy(X.astype(dtype))
    w = torch.from_numpy(np.random.RandomState(2).uniform(0.5, 2.0, len(X)).astype(dtype))
    rng = np.random.RandomState(0)
    state = _CpuSums(Xt, w, n_clusters=6)
    for step in range(15):
        centers = torch.from_numpy(X[rng.choice(len(X), 6, replace=False)].astype(dtype))
        labels, _, sums, weights = state.assign(centers)
        labels = labels.numpy()
        assert_array_equal(labels, _assign_torch(Xt, w, centers, False, 997)[0].numpy())
        w64, X64 = w.numpy().astype(np.float64), Xt.numpy().astype(np.float64)
        full_weights = np.bincount(labels, weights=w64, minlength=6)
        full_sums = np.stack([np.bincount(labels, weights=w64 * X64[:, f], minlength=6) for f in range(4)], axis=1)
        assert_allclose(sums.numpy(), full_sums, rtol=1e-10, atol=1e-8)
        assert_allclose(weights.numpy(), full_weights, rtol=1e-10, atol=1e-10)
        assert_array_equal(np.bincount(labels, minlength=6) == 0, weights.numpy() == 0)


def test_prediction_route_matches_the_fitting_route():
    X, _ = make_blobs(3000, 5, centers=7, random_state=4)
    Xt = torch.from_numpy(X)
    w = torch.ones(len(X), dtype=torch.float64)
    centers = Xt[:7].clone()
    fitting = _CpuSums(Xt, w, n_clusters=7).assign(centers)
    predicting = nearest_centers(Xt, centers, chunk_rows=100)
    assert_array_equal(fitting[0].numpy(), predicting[0].numpy())
    assert_allclose(fitting[1].numpy(), predicting[1].numpy())


def test_result_does_not_depend_on_working_memory():
    X, _ = make_blobs(4000, 6, centers=5, random_state=0)
    default = KMeans(5, random_state=0, device="cpu").fit(X)
    with sklearn.config_context(working_memory=0.01):
        small = KMeans(5, random_state=0, device="cpu").fit(X)
        assert_allclose(small.transform(X), default.transform(X))
    assert_array_equal(small.labels_, default.labels_)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n_samples=st.integers(5, 60),
    n_clusters=st.integers(1, 5),
)
def test_update_step_never_increases_wcss(seed, n_samples, n_clusters):
    rng = np.random.RandomState(seed)
    X = torch.from_numpy(rng.normal(size=(n_samples, 3)))
    w = torch.from_numpy(rng.uniform(0.1, 2.0, n_samples))
    centers = X[torch.from_numpy(rng.choice(n_samples, n_clusters, replace=False))].clone()
    labels, _, sums, weights = _assign_torch(X, w, centers, True, chunk_rows=16)
    before = inertia(X, w, centers, labels, 16)
    after = inertia(X, w, weighted_means(sums, weights, centers), labels, 16)
    assert after <= before * (1 + 1e-12) + 1e-12


# ---------------------------------------------------------------- devices


def test_device_comes_from_the_global_config():
    X = load_iris().data
    with config_context(device="cpu"):
        km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.shape == (3, 4)


def test_unavailable_or_invalid_device_is_a_clear_error():
    X = load_iris().data
    with pytest.raises(ValueError, match="device must be"):
        KMeans(3, device="tpu").fit(X)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            KMeans(3, device="cuda").fit(X)


def test_model_fitted_on_gpu_predicts_on_a_cpu_only_machine():
    X = load_iris().data
    cpu_model = KMeans(3, random_state=0, device="cpu").fit(X)
    gpu_model = pickle.loads(pickle.dumps(cpu_model))
    gpu_model.set_params(device="cuda")  # as if it had been fitted on a GPU
    if torch.cuda.is_available():
        assert_array_equal(gpu_model.predict(X), cpu_model.predict(X))
    else:
        with pytest.warns(UserWarning, match="computing on the CPU instead"):
            assert_array_equal(gpu_model.predict(X), cpu_model.predict(X))


def test_pickle_round_trip_gives_identical_predictions():
    X = load_digits().data
    km = KMeans(10, random_state=0, device="cpu").fit(X)
    restored = pickle.loads(pickle.dumps(km))
    assert_array_equal(restored.predict(X), km.predict(X))
    assert_array_equal(restored.transform(X), km.transform(X))
    assert isinstance(km.cluster_centers_, np.ndarray)


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gpu_route_agrees_with_cpu(dtype):
    X, _ = make_blobs(20000, 16, centers=8, random_state=0)
    X = X.astype(dtype)
    init = X[:8].copy()
    cpu = KMeans(8, init=init, tol=0, device="cpu").fit(X)
    gpu = KMeans(8, init=init, tol=0, device="cuda").fit(X)
    assert gpu.inertia_ == pytest.approx(cpu.inertia_, rel=1e-5)
    assert np.mean(gpu.labels_ == cpu.labels_) > 0.999
    assert isinstance(gpu.cluster_centers_, np.ndarray)
    restored = pickle.loads(pickle.dumps(gpu))
    restored.set_params(device="cpu")
    assert np.mean(restored.predict(X) == gpu.labels_) > 0.999


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]]), "Input X contains NaN"),
        (np.array([[1.0, np.inf], [2.0, 3.0], [4.0, 5.0]]), "Input X contains infinity"),
        (np.empty((0, 2)), "0 sample"),
        (np.zeros((4, 2, 2)), "dim 3"),
        (np.array([["a", "b"], ["c", "d"], ["e", "f"]]), "string|could not convert"),
        (np.ones((2, 2)), r"n_samples=2 should be >= n_clusters=3"),
    ],
    ids=["nan", "inf", "empty", "3d", "strings", "too-few-samples"],
)
def test_bad_training_input_is_a_value_error_naming_the_problem(X, message):
    with pytest.raises(ValueError, match=message):
        KMeans(3, device="cpu").fit(X)


def test_bad_parameters_and_weights():
    X = load_iris().data
    with pytest.raises(ValueError, match="init"):
        KMeans(3, init="nope", device="cpu").fit(X)
    # scikit-learn's messages for a wrong init shape.
    with pytest.raises(ValueError, match="initial centers .* does not match the number of clusters"):
        KMeans(3, init=X[:2], device="cpu").fit(X)
    with pytest.raises(ValueError, match="does not match the number of features of the data 4"):
        KMeans(3, init=lambda X, k, random_state: X[:k, :2], device="cpu").fit(X)
    with pytest.raises(ValueError, match="NaN or infinity"):
        KMeans(3, init=np.full((3, 4), np.nan), device="cpu").fit(X)
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        KMeans(3, device="cpu").fit(X, sample_weight=-np.ones(len(X)))
    with pytest.raises(ValueError, match="at least one non-zero"):
        KMeans(3, device="cpu").fit(X, sample_weight=np.zeros(len(X)))


def test_predict_before_fit_and_with_wrong_features():
    X = load_iris().data
    with pytest.raises(NotFittedError):
        KMeans(3, device="cpu").predict(X)
    km = KMeans(3, random_state=0, device="cpu").fit(X)
    for method in (km.predict, km.transform, km.score):
        with pytest.raises(ValueError, match="X has 2 features, but KMeans is expecting 4"):
            method(X[:, :2])


def test_failed_fit_leaves_the_fitted_state_untouched():
    X = load_iris().data
    km = KMeans(3, random_state=0, device="cpu").fit(X)
    before = {key: np.copy(value) for key, value in vars(km).items() if key.endswith("_")}
    with pytest.raises(ValueError):
        km.fit(np.ones((2, 7)))  # other feature count, too few samples
    after = {key: value for key, value in vars(km).items() if key.endswith("_")}
    assert before.keys() == after.keys()
    for key in before:
        assert_array_equal(before[key], after[key])
    assert_array_equal(km.predict(X), km.labels_)


def test_one_feature_problem_fits_without_warnings_like_sklearn():
    X = np.arange(10.0).reshape(-1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km = KMeans(2, random_state=0, device="cpu").fit(X)
    ref = SklearnKMeans(2, random_state=0).fit(X)
    # {0..3} and {4..9} is a fixed point of Lloyd's algorithm (4 is equidistant).
    assert_allclose(km.cluster_centers_, ref.cluster_centers_)
    assert km.inertia_ == pytest.approx(ref.inertia_)


@pytest.mark.parametrize("tol, last_line", [(0, "strict convergence"), (0.01, "within tolerance")])
def test_verbose_prints_sklearns_lines(tol, last_line, capsys):
    X = np.random.RandomState(0).normal(size=(2000, 5))
    KMeans(4, init="random", n_init=1, tol=tol, verbose=1, random_state=0).fit(X)
    ours = capsys.readouterr().out.splitlines()
    SklearnKMeans(4, init="random", n_init=1, tol=tol, verbose=1, random_state=0).fit(X)
    theirs = capsys.readouterr().out.splitlines()
    assert ours[0] == "Initialization complete"

    # the same iterations, with the same inertia, as scikit-learn prints them
    def words(lines):  # the lines without their floats
        return [line.split(", inertia ")[0].split(": center shift ")[0] for line in lines]

    assert words(ours) == words(theirs)
    inertia_of = lambda lines: [float(line.rsplit(" ", 1)[1][:-1]) for line in lines if "inertia" in line]  # noqa: E731
    assert_allclose(inertia_of(ours), inertia_of(theirs), rtol=1e-10)
    assert last_line in ours[-1]


def test_resolved_n_init_is_recorded():
    X = np.random.RandomState(0).normal(size=(200, 3))
    assert KMeans(3, init="random", random_state=0).fit(X)._n_init == 10
    assert KMeans(3, random_state=0).fit(X)._n_init == 1


def test_float32_transform_is_accurate_far_from_the_origin():
    # ||x||^2 - 2 x.c + ||c||^2 cancels in float32 when the data sit far from
    # the origin; the distances must still match float64's to float32 precision.
    X, _ = make_blobs(300, 4, centers=3, random_state=0)
    X += 1000.0
    init = X[:3]
    d64 = KMeans(3, init=init, n_init=1).fit(X).transform(X)
    model32 = KMeans(3, init=init.astype(np.float32), n_init=1).fit(X.astype(np.float32))
    d32 = model32.transform(X.astype(np.float32))
    assert d32.dtype == np.float32
    assert_allclose(d32, d64, rtol=1e-4, atol=1e-3)
