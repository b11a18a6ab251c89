"""SMOTENC against imbalanced-learn's: same samples, same fitted attributes, same errors."""

import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.over_sampling import SMOTENC as ImblearnSMOTENC
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder

from skdl.over_sampling import SMOTE, SMOTENC
from skdl.over_sampling._categorical_kneighbors import (
    _kneighbors_torch,
    _space,
    categorical_kneighbors,
    full_distances,
)
from skdl.over_sampling._smote_nc import _encoded, _vote

CPU = torch.device("cpu")


def _mixed_data(
    n, n_numeric, n_categorical, n_levels, seed, *, weights=(0.8,), n_classes=2, integer=False, dtype=np.float64
):
    X, y = make_classification(
        n,
        n_numeric + n_categorical,
        n_informative=2,
        n_redundant=0,
        n_clusters_per_class=1,
        n_classes=n_classes,
        weights=list(weights),
        random_state=seed,
    )
    X[:, n_numeric:] = np.random.RandomState(seed).randint(0, n_levels, size=(n, n_categorical))
    if integer:  # integer-valued numerical features: many equal distances
        X[:, :n_numeric] = np.round(X[:, :n_numeric])
    return X.astype(dtype), y, list(range(n_numeric, n_numeric + n_categorical))


DATASETS = {
    "tie-free": dict(n=500, n_numeric=4, n_categorical=2, n_levels=4, seed=0),
    "three classes": dict(n=800, n_numeric=3, n_categorical=3, n_levels=10, seed=1, weights=(0.6, 0.3), n_classes=3),
    "integer numerical (ties)": dict(n=400, n_numeric=2, n_categorical=2, n_levels=3, seed=2, integer=True),
    "float32": dict(n=600, n_numeric=5, n_categorical=2, n_levels=5, seed=3, dtype=np.float32),
    "one categorical, two levels, ties": dict(n=300, n_numeric=3, n_categorical=1, n_levels=2, seed=4, integer=True),
}


@pytest.mark.parametrize("random_state", [0, 7])
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_same_samples_and_attributes_as_imblearn(name, random_state):
    X, y, categorical = _mixed_data(**DATASETS[name])
    theirs = ImblearnSMOTENC(categorical_features=categorical, random_state=random_state)
    ours = SMOTENC(categorical_features=categorical, random_state=random_state, device="cpu")
    X_theirs, y_theirs = theirs.fit_resample(X, y)
    X_ours, y_ours = ours.fit_resample(X, y)
    assert X_ours.dtype == X_theirs.dtype
    assert_array_equal(X_ours, X_theirs)  # bit for bit
    assert_array_equal(y_ours, y_theirs)
    assert ours.median_std_ == theirs.median_std_
    assert_array_equal(ours.categorical_features_, theirs.categorical_features_)
    assert_array_equal(ours.continuous_features_, theirs.continuous_features_)
    for mine, reference in zip(ours.categorical_encoder_.categories_, theirs.categorical_encoder_.categories_):
        assert_array_equal(mine, reference)
    assert ours.n_features_ == theirs.n_features_ == X.shape[1]


def test_random_state_instance_is_drawn_from_in_imblearns_order():
    X, y, categorical = _mixed_data(**DATASETS["three classes"])
    X_theirs, _ = ImblearnSMOTENC(categorical_features=categorical, random_state=np.random.RandomState(3)).fit_resample(
        X, y
    )
    X_ours, _ = SMOTENC(categorical_features=categorical, random_state=np.random.RandomState(3)).fit_resample(X, y)
    assert_array_equal(X_ours, X_theirs)


def test_dataframe_with_string_categories_names_mask_and_auto():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    for column in categorical:
        frame[f"f{column}"] = pd.Categorical(np.array(["low", "mid", "high", "top"])[X[:, column].astype(int)])
    names = [f"f{column}" for column in categorical]
    mask = np.isin(np.arange(X.shape[1]), categorical)
    X_theirs, y_theirs = ImblearnSMOTENC(categorical_features=names, random_state=0).fit_resample(frame, y)
    for spec in (names, mask, categorical, "auto"):
        X_ours, y_ours = SMOTENC(categorical_features=spec, random_state=0).fit_resample(frame, y)
        pd.testing.assert_frame_equal(X_ours, X_theirs)
        assert_array_equal(y_ours, y_theirs)


def test_object_array_with_strings_gives_imblearns_object_array():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    X = X.astype(object)
    X[:, categorical[0]] = np.array(["a", "b", "c", "d"], dtype=object)[X[:, categorical[0]].astype(int)]
    X_theirs, _ = ImblearnSMOTENC(categorical_features=categorical, random_state=0).fit_resample(X, y)
    X_ours, _ = SMOTENC(categorical_features=categorical, random_state=0).fit_resample(X, y)
    assert X_ours.dtype == X_theirs.dtype == object
    assert_array_equal(X_ours, X_theirs)


def test_a_neighbours_estimator_is_used_as_imblearn_uses_it():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    nn = NearestNeighbors(n_neighbors=4)
    X_theirs, _ = ImblearnSMOTENC(categorical_features=categorical, k_neighbors=nn, random_state=0).fit_resample(X, y)
    X_ours, _ = SMOTENC(categorical_features=categorical, k_neighbors=nn, random_state=0).fit_resample(X, y)
    assert_array_equal(X_ours, X_theirs)


def test_a_user_one_hot_encoder_and_an_encoder_without_one_column_per_category():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    X_theirs, _ = ImblearnSMOTENC(
        categorical_features=categorical, categorical_encoder=encoder, random_state=0
    ).fit_resample(X, y)
    X_ours, _ = SMOTENC(categorical_features=categorical, categorical_encoder=encoder, random_state=0).fit_resample(
        X, y
    )
    assert_array_equal(X_ours, X_theirs)
    with pytest.raises(ValueError, match="one column per category"):
        SMOTENC(categorical_features=categorical, categorical_encoder=OneHotEncoder(drop="first")).fit_resample(X, y)


# The distance and the neighbours -------------------------------------------------------------


def _encoding(numeric, codes, n_levels, dtype=np.float64):
    """imbalanced-learn's encoded class: median std / sqrt(2) in each one-hot entry."""
    median_std = np.median(numeric.std(axis=0))
    entry = np.asarray(median_std / np.sqrt(2)).astype(dtype)[()]
    return _encoded(numeric.astype(dtype), codes, n_levels, entry), entry, median_std


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_distances_are_sklearns_on_imblearns_encoding_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    numeric, codes = rng.normal(size=(300, 4)), rng.integers(0, 5, size=(300, 3))
    encoded, entry, median_std = _encoding(numeric, codes, [5, 5, 5], dtype)
    expected = euclidean_distances(encoded, squared=True)
    ours = full_distances(encoded[:, :4].toarray(), codes, match=float(entry) ** 2, float32=dtype == np.float32)
    assert ours.dtype == expected.dtype
    assert_array_equal(ours, expected)
    # ... which is the numerical squared distance plus median_std^2 per differing category.
    mismatches = (codes[:, None, :] != codes[None, :, :]).sum(axis=2)
    reference = euclidean_distances(numeric, squared=True) + median_std**2 * mismatches
    np.testing.assert_allclose(ours, reference, rtol=1e-5 if dtype == np.float32 else 1e-10, atol=1e-5)


@pytest.mark.parametrize("integer", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_neighbours_are_nearestneighbors_own_ties_included(dtype, integer):
    rng = np.random.default_rng(1)
    numeric = rng.normal(size=(700, 3))
    if integer:  # equal distances everywhere: argpartition's order decides
        numeric = np.round(numeric)
    codes = rng.integers(0, 3, size=(700, 2))
    encoded, entry, _ = _encoding(numeric, codes, [3, 3], dtype)
    expected = NearestNeighbors(n_neighbors=6).fit(encoded).kneighbors(encoded, return_distance=False)
    ours = categorical_kneighbors(
        encoded[:, :3].toarray(), codes, 6, CPU, match=float(entry) ** 2, float32=dtype == np.float32
    )
    assert_array_equal(ours, expected)


def test_tensor_route_finds_the_same_neighbours_without_ties():
    rng = np.random.default_rng(2)
    numeric, codes = rng.normal(size=(400, 5)), rng.integers(0, 4, size=(400, 3))
    space = _space(numeric, codes, 0.3, None, True, False)
    assert_array_equal(_kneighbors_torch(space, 6, CPU), categorical_kneighbors(numeric, codes, 6, CPU, match=0.3))


# The vote --------------------------------------------------------------------------------------


def test_vote_takes_the_majority_and_breaks_ties_with_imblearns_permutation():
    codes = np.array([0, 1, 1, 2, 2, 2, 0])
    # base 0's neighbours carry 1, 1, 2: category 1; base 1's carry 0, 1, 2: a three-way tie.
    neighbours = np.array([[1, 2, 3], [0, 1, 3]])
    rows = np.array([0, 1, 1, 0])
    new = _vote(codes, neighbours, rows, 3, 0.5, np.random.RandomState(0))
    # imbalanced-learn's rule by hand: the (sample, tied category) pairs in
    # row-major order, permuted, and each sample's first pair.
    pairs = np.array([[0, 1], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2], [3, 1]])
    permuted = np.random.RandomState(0).permutation(pairs)
    _, first = np.unique(permuted[:, 0], return_index=True)
    assert_array_equal(new, permuted[first, 1])
    assert new[0] == new[3] == 1


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "categorical_features, message",
    [
        ([25], r"categorical_features: all features must be in \[0, 5\] or \[-6, 0\]"),
        ([-7], r"categorical_features: all features must be in"),
        ([True, False], r"categorical_features: all features must be in"),
        (["f1"], "categorical_features: Specifying the columns using strings is only supported for dataframes"),
        (list(range(6)), "SMOTE-NC is not designed to work only with categorical features.*categorical_features"),
        ([], "SMOTE-NC is not designed to work only with numerical features.*categorical_features"),
        ([4, 4], "categorical_features names a column twice"),
        ("auto", "When `categorical_features='auto'`, the input data should be a pandas.DataFrame"),
    ],
)
def test_bad_categorical_features_is_a_value_error_naming_it(categorical_features, message):
    X, y, _ = _mixed_data(**DATASETS["tie-free"])
    with pytest.raises(ValueError, match=message):
        SMOTENC(categorical_features=categorical_features).fit_resample(X, y)


def test_a_failed_fit_leaves_a_fitted_sampler_unchanged():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    sampler = SMOTENC(categorical_features=categorical, random_state=0).fit(X, y)
    sampler.fit_resample(X, y)
    before = {key: value for key, value in vars(sampler).items()}
    for bad in ([40], list(range(6))):
        sampler.set_params(categorical_features=bad)
        with pytest.raises(ValueError, match="categorical_features"):
            sampler.fit_resample(X[:, :6], y)
    assert set(vars(sampler)) == set(before)
    assert_array_equal(sampler.categorical_features_, before["categorical_features_"])
    assert sampler.median_std_ == before["median_std_"]


def test_strings_given_to_plain_smote_are_a_value_error_pointing_to_smotenc():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    X = X.astype(object)
    X[:, categorical[0]] = "red"
    with pytest.raises(ValueError, match=r"X holds strings \(could not convert string to float: 'red'\).*SMOTENC"):
        SMOTE().fit_resample(X, y)


def test_too_few_samples_for_the_neighbours():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:4]])
    with pytest.raises(ValueError, match="n_neighbors = 6, n_samples_fit = 4"):
        SMOTENC(categorical_features=categorical).fit_resample(X[keep], y[keep])


def test_sparse_input_gives_csr_with_the_dense_result():
    X, y, categorical = _mixed_data(**DATASETS["tie-free"])
    dense, _ = SMOTENC(categorical_features=categorical, random_state=0).fit_resample(X, y)
    result, _ = SMOTENC(categorical_features=categorical, random_state=0).fit_resample(sparse.csr_matrix(X), y)
    assert sparse.isspmatrix_csr(result)
    assert_array_equal(result.toarray(), dense)
