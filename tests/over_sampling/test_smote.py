"""SMOTE and BorderlineSMOTE: the segment property, exact counts, agreement with
imbalanced-learn, the k-NN kernels against scikit-learn, pipelines, bad input."""

import pickle
from collections import Counter

import numpy as np
import pytest
import torch
from imblearn import over_sampling as imb
from imblearn.pipeline import make_pipeline
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn import config_context
from sklearn.datasets import load_breast_cancer, load_wine, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from skdl.over_sampling import SMOTE, BorderlineSMOTE
from skdl.over_sampling._kneighbors import _kneighbors_cpu, _kneighbors_torch, kneighbors


def _three_classes(n_samples=600, random_state=0):
    return make_classification(
        n_samples, 6, n_informative=4, n_classes=3, weights=[0.1, 0.3], flip_y=0.02, random_state=random_state
    )


def _breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _segment_check(X_new, starts, ends):
    """For each new row: the smallest residual over the allowed segments and its gap u."""
    d = ends - starts  # (n_segments, n_features)
    diff = X_new[:, None, :] - starts[None, :, :]
    u = np.einsum("nsf,sf->ns", diff, d) / np.maximum(np.einsum("sf,sf->s", d, d), 1e-300)
    residual = np.linalg.norm(diff - u[..., None] * d[None], axis=2)
    best = residual.argmin(axis=1)
    rows = np.arange(X_new.shape[0])
    return residual[rows, best], u[rows, best]


# ----------------------------------------------------------------- k-NN kernels


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("exclude_self", [True, False])
def test_kneighbors_routes_match_sklearn(dtype, exclude_self):
    X = np.random.RandomState(0).randn(700, 9).astype(dtype)
    Q, R = torch.from_numpy(X[:300]), torch.from_numpy(X)
    index = torch.arange(300) if exclude_self else None
    k = 7
    ref = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X[:300], return_distance=False)
    ref = ref[:, 1:] if exclude_self else ref[:, :k]
    assert_array_equal(_kneighbors_cpu(Q, R, k, index).numpy(), ref)
    assert_array_equal(_kneighbors_torch(Q, R, k, index).numpy(), ref)


def test_kneighbors_torch_route_is_chunked_by_working_memory():
    X = torch.from_numpy(np.random.RandomState(1).randn(500, 4))
    full = _kneighbors_torch(X, X, 3, torch.arange(500))
    with config_context(working_memory=0.05):  # 52 KB: 6 rows of 500 distances a chunk
        small = _kneighbors_torch(X, X, 3, torch.arange(500))
    assert_array_equal(full.numpy(), small.numpy())


def test_kneighbors_dispatches_on_the_device():
    X = torch.from_numpy(np.random.RandomState(2).randn(50, 3))
    assert_array_equal(kneighbors(X, X, 2).numpy(), _kneighbors_torch(X, X, 2, None).numpy())


# ------------------------------------------------------------ SMOTE correctness


@pytest.mark.parametrize("k_neighbors", [1, 3, 5])
def test_every_synthetic_sample_lies_on_a_segment_to_a_k_nearest_neighbour(k_neighbors):
    X, y = _three_classes()
    X_res, y_res = SMOTE(k_neighbors=k_neighbors, random_state=0, device="cpu").fit_resample(X, y)
    for label in np.unique(y):
        X_class = X[y == label]
        new = X_res[X.shape[0] :][y_res[X.shape[0] :] == label]
        if new.size == 0:
            continue
        nn = NearestNeighbors(n_neighbors=k_neighbors + 1).fit(X_class).kneighbors(X_class, return_distance=False)
        starts = np.repeat(X_class, k_neighbors, axis=0)
        ends = X_class[nn[:, 1:].ravel()]
        residual, u = _segment_check(new, starts, ends)
        assert residual.max() < 1e-9
        assert u.min() >= -1e-12 and u.max() < 1 + 1e-12
    # not all on the start point: the gaps are spread over [0, 1)
    assert np.std(u) > 0.2


@pytest.mark.parametrize(
    "strategy",
    ["auto", "not majority", "minority", "all", {0: 150, 1: 300}, lambda y: {0: 500, 2: 500}],
    ids=["auto", "not majority", "minority", "all", "dict", "callable"],
)
def test_counts_are_exactly_what_sampling_strategy_asks(strategy):
    X, y = make_classification(600, 6, n_informative=4, n_classes=3, weights=[0.1, 0.2], flip_y=0, random_state=0)
    counts = Counter(y)
    X_res, y_res = SMOTE(sampling_strategy=strategy, random_state=0, device="cpu").fit_resample(X, y)
    majority = max(counts.values())
    wanted = (
        {
            "auto": {c: majority for c in counts},
            "not majority": {c: majority for c in counts},
            "all": {c: majority for c in counts},
            "minority": {**counts, min(counts, key=counts.get): majority},
        }.get(strategy)
        if isinstance(strategy, str)
        else {**counts, **(strategy(y) if callable(strategy) else strategy)}
    )
    assert Counter(y_res) == wanted
    assert X_res.shape == (sum(wanted.values()), X.shape[1])


def test_float_sampling_strategy_on_binary_data():
    X, y = make_classification(500, 5, weights=[0.9], flip_y=0, random_state=0)
    n_majority = Counter(y)[0]
    _, y_res = SMOTE(sampling_strategy=0.5, random_state=0, device="cpu").fit_resample(X, y)
    assert Counter(y_res) == {0: n_majority, 1: n_majority // 2}


def test_same_random_state_same_output_and_originals_first_unchanged():
    X, y = _three_classes()
    X_before, y_before = X.copy(), y.copy()
    a = SMOTE(random_state=5, device="cpu").fit_resample(X, y)
    b = SMOTE(random_state=5, device="cpu").fit_resample(X, y)
    c = SMOTE(random_state=6, device="cpu").fit_resample(X, y)
    assert_array_equal(a[0], b[0])
    assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert_array_equal(a[0][: X.shape[0]], X)
    assert_array_equal(a[1][: X.shape[0]], y)
    assert_array_equal(X, X_before)
    assert_array_equal(y, y_before)


@pytest.mark.parametrize("dataset", ["breast_cancer", "three_classes", "wine"])
def test_same_samples_as_imblearn_smote(dataset):
    if dataset == "breast_cancer":
        X, y = _breast_cancer()
    elif dataset == "wine":
        X, y = load_wine(return_X_y=True)
    else:
        X, y = _three_classes()
    ours = SMOTE(random_state=3, device="cpu").fit_resample(X, y)
    ref = imb.SMOTE(random_state=3).fit_resample(X, y)
    assert_array_equal(ours[1], ref[1])
    assert_allclose(ours[0], ref[0], rtol=1e-12, atol=1e-12)


def test_float32_in_float32_out_and_close_to_float64():
    X, y = _three_classes()
    X32 = X.astype(np.float32)
    y32 = y.astype(np.int32)
    X_res, y_res = SMOTE(random_state=0, device="cpu").fit_resample(X32, y32)
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    X64, _ = SMOTE(random_state=0, device="cpu").fit_resample(X32.astype(np.float64), y)
    assert_allclose(X_res, X64, rtol=1e-5, atol=1e-5)


def test_k_neighbors_as_a_nearest_neighbors_object():
    X, y = _three_classes()
    as_int = SMOTE(k_neighbors=4, random_state=0, device="cpu").fit_resample(X, y)
    as_object = SMOTE(k_neighbors=NearestNeighbors(n_neighbors=5), random_state=0, device="cpu").fit_resample(X, y)
    assert_allclose(as_int[0], as_object[0], rtol=1e-12, atol=1e-12)


def test_sparse_input_gives_the_dense_result_as_sparse():
    X, y = _three_classes()
    X[np.abs(X) < 0.7] = 0
    dense = SMOTE(random_state=0, device="cpu").fit_resample(X, y)
    for fmt in ("csr", "csc"):
        X_res, y_res = SMOTE(random_state=0, device="cpu").fit_resample(sparse.csr_matrix(X).asformat(fmt), y)
        assert sparse.issparse(X_res) and X_res.format == fmt
        assert_allclose(X_res.toarray(), dense[0], rtol=1e-12, atol=1e-12)
        assert_array_equal(y_res, dense[1])


def test_pandas_in_pandas_out():
    pd = pytest.importorskip("pandas")
    X, y = _three_classes()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    X_res, y_res = SMOTE(random_state=0, device="cpu").fit_resample(frame, pd.Series(y, name="target"))
    assert list(X_res.columns) == list(frame.columns)
    assert y_res.name == "target"


def test_in_an_imblearn_pipeline_and_grid_search():
    X, y = _breast_cancer()
    keep = np.concatenate([np.flatnonzero(y == 1), np.flatnonzero(y == 0)[:40]])
    X, y = X[keep], y[keep]
    pipe = make_pipeline(SMOTE(random_state=0, device="cpu"), LogisticRegression(max_iter=500))
    search = GridSearchCV(
        pipe, {"smote__k_neighbors": [3, 5], "smote__sampling_strategy": [0.5, 1.0]}, cv=3, scoring="roc_auc"
    )
    search.fit(X, y)
    assert set(search.best_params_) == {"smote__k_neighbors", "smote__sampling_strategy"}
    assert search.best_score_ > 0.95
    # the sampler acts during fit only: predict sees every test row
    assert search.predict(X).shape == y.shape


def test_pickle_round_trip_keeps_the_result():
    X, y = _three_classes()
    sampler = SMOTE(random_state=0, device="cpu")
    first = sampler.fit_resample(X, y)
    clone = pickle.loads(pickle.dumps(sampler))
    assert clone.sampling_strategy_ == sampler.sampling_strategy_
    assert_array_equal(clone.fit_resample(X, y)[0], first[0])


# ------------------------------------------------------------------ BorderlineSMOTE


@pytest.mark.parametrize("dataset", ["breast_cancer", "three_classes"])
def test_borderline_1_same_samples_and_danger_as_imblearn(dataset):
    X, y = _breast_cancer() if dataset == "breast_cancer" else _three_classes()
    ours = BorderlineSMOTE(random_state=2, device="cpu")
    ref = imb.BorderlineSMOTE(random_state=2)
    X_ours, y_ours = ours.fit_resample(X, y)
    X_ref, y_ref = ref.fit_resample(X, y)
    assert_array_equal(y_ours, y_ref)
    assert_allclose(X_ours, X_ref, rtol=1e-12, atol=1e-12)
    assert ours.in_danger_indices_.keys() == ref.in_danger_indices.keys()
    for label, index in ref.in_danger_indices.items():
        assert_array_equal(ours.in_danger_indices_[label], index)


def test_borderline_danger_matches_its_definition():
    X, y = _three_classes()
    m = 8
    sampler = BorderlineSMOTE(m_neighbors=m, random_state=0, device="cpu")
    sampler.fit_resample(X, y)
    nn = NearestNeighbors(n_neighbors=m + 1).fit(X).kneighbors(X, return_distance=False)[:, 1:]
    for label, danger in sampler.in_danger_indices_.items():
        n_other = (y[nn] != label).sum(axis=1)
        expected = np.flatnonzero((y == label) & (n_other >= m / 2) & (n_other < m))
        assert_array_equal(danger, expected)


def test_borderline_2_segments_and_half_gaps_towards_other_classes():
    X, y = make_classification(
        400, 4, n_informative=3, n_redundant=0, weights=[0.8], flip_y=0.05, class_sep=0.5, random_state=0
    )
    k = 5
    sampler = BorderlineSMOTE(kind="borderline-2", k_neighbors=k, random_state=0, device="cpu")
    X_res, y_res = sampler.fit_resample(X, y)
    danger = sampler.in_danger_indices_[1]
    assert danger.size > 0
    nn = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X[danger], return_distance=False)[:, 1:]
    starts = np.repeat(X[danger], k, axis=0)
    ends_index = nn.ravel()
    residual, u = _segment_check(X_res[X.shape[0] :], starts, X[ends_index])
    assert residual.max() < 1e-9
    assert Counter(y_res) == {0: Counter(y)[0], 1: Counter(y)[0]}
    # which segment each sample is on decides the largest gap allowed
    d = X[ends_index] - starts
    diff = X_res[X.shape[0] :, None, :] - starts[None]
    gaps = np.einsum("nsf,sf->ns", diff, d) / np.einsum("sf,sf->s", d, d)
    on = np.linalg.norm(diff - gaps[..., None] * d[None], axis=2) < 1e-9
    towards_other = (y[ends_index] != 1)[None, :] & on
    towards_same = (y[ends_index] == 1)[None, :] & on
    assert gaps[towards_other].max() < 0.5 + 1e-12
    assert gaps[towards_same].max() > 0.5  # same-class neighbours use the full segment
    assert towards_other.any(axis=1).sum() > 0


def test_borderline_warns_when_a_class_has_no_sample_in_danger():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(100, 2), rng.randn(20, 2) + 20])
    y = np.array([0] * 100 + [1] * 20)
    with pytest.warns(UserWarning, match="no sample of class 1 in danger"):
        X_res, y_res = BorderlineSMOTE(random_state=0, device="cpu").fit_resample(X, y)
    assert_array_equal(X_res, X)


# ----------------------------------------------------------------------- bad input


@pytest.mark.parametrize("Sampler", [SMOTE, BorderlineSMOTE])
def test_one_class_target_is_refused(Sampler):
    X = np.random.RandomState(0).randn(20, 2)
    with pytest.raises(ValueError, match="needs to have more than 1 class"):
        Sampler(device="cpu").fit_resample(X, np.zeros(20))


@pytest.mark.parametrize("Sampler", [SMOTE, BorderlineSMOTE])
def test_k_neighbors_not_below_the_minority_count_is_refused(Sampler):
    X = np.random.RandomState(0).randn(30, 2)
    y = np.array([0] * 25 + [1] * 5)
    with pytest.raises(ValueError, match=r"k_neighbors=5 needs at least 6 samples.*class 1.*has 5"):
        Sampler(k_neighbors=5, device="cpu").fit_resample(X, y)
    with pytest.raises(ValueError, match="n_neighbors"):
        imb.SMOTE(k_neighbors=5).fit_resample(X, y)  # imbalanced-learn's error names n_neighbors too


def test_over_sampler_asked_to_remove_samples_is_refused():
    X, y = _three_classes()
    with pytest.raises(ValueError, match="With over-sampling methods, the number of samples in a class should be"):
        SMOTE(sampling_strategy={0: 10}, device="cpu").fit_resample(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_is_refused(bad):
    X, y = _three_classes()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        SMOTE(device="cpu").fit_resample(X, y)


def test_continuous_y_is_refused():
    X, _ = _three_classes()
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        SMOTE(device="cpu").fit_resample(X, np.linspace(0, 1, X.shape[0]))


def test_bad_parameters_name_the_parameter():
    X, y = _three_classes()
    with pytest.raises(ValueError, match="'k_neighbors' parameter"):
        SMOTE(k_neighbors=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="'kind' parameter"):
        BorderlineSMOTE(kind="borderline-3").fit_resample(X, y)
    with pytest.raises(ValueError, match="device must be"):
        SMOTE(device="tpu").fit_resample(X, y)


def test_a_failed_call_leaves_the_fitted_sampler_unchanged():
    X, y = _three_classes()
    sampler = SMOTE(random_state=0, device="cpu")
    sampler.fit_resample(X, y)
    before = dict(sampler.__dict__)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError):
        sampler.fit_resample(X_bad[:, :3], y)
    assert sampler.n_features_in_ == before["n_features_in_"]
    assert sampler.sampling_strategy_ == before["sampling_strategy_"]


@pytest.mark.gpu
@pytest.mark.parametrize("Sampler", [SMOTE, BorderlineSMOTE])
def test_gpu_gives_the_cpu_samples(Sampler):
    X, y = _three_classes()
    cpu = Sampler(random_state=0, device="cpu").fit_resample(X, y)
    gpu = Sampler(random_state=0, device="cuda").fit_resample(X, y)
    assert isinstance(gpu[0], np.ndarray)
    assert_array_equal(gpu[1], cpu[1])
    assert_allclose(gpu[0], cpu[0], rtol=1e-9, atol=1e-9)
