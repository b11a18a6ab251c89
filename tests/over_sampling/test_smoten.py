"""SMOTEN against imbalanced-learn's: same distances, same neighbours (ties included), same samples."""

import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.metrics.pairwise import ValueDifferenceMetric
from imblearn.over_sampling import SMOTEN as ImblearnSMOTEN
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn.exceptions import DataConversionWarning
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OrdinalEncoder

from skdl.over_sampling import SMOTEN
from skdl.over_sampling._categorical_kneighbors import (
    _kneighbors_torch,
    _space,
    categorical_kneighbors,
    full_distances,
)
from skdl.over_sampling._smoten import value_difference_tables

CPU = torch.device("cpu")
LETTERS = np.array(list("abcdefghijklmnopqrst"), dtype=object)


def _categorical_data(n, n_features, n_levels, seed, *, n_classes=2, strings=False):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, n_levels, size=(n, n_features))
    p = [0.6, 0.25, 0.15] if n_classes == 3 else [0.75, 0.25]
    y = rng.choice(n_classes, n, p=p)
    return (LETTERS[X] if strings else X), y


DATASETS = {
    "one feature": dict(n=60, n_features=1, n_levels=3, seed=0),
    "strings": dict(n=300, n_features=3, n_levels=4, seed=1, strings=True),
    "ints": dict(n=500, n_features=4, n_levels=6, seed=2),
    "three classes, strings": dict(n=800, n_features=5, n_levels=10, seed=4, n_classes=3, strings=True),
    "many levels": dict(n=400, n_features=3, n_levels=20, seed=5, n_classes=3),
}


@pytest.mark.parametrize("random_state", [0, 3])
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_same_samples_as_imblearn(name, random_state):
    X, y = _categorical_data(**DATASETS[name])
    X_theirs, y_theirs = ImblearnSMOTEN(random_state=random_state).fit_resample(X, y)
    sampler = SMOTEN(random_state=random_state, device="cpu")
    X_ours, y_ours = sampler.fit_resample(X, y)
    assert X_ours.dtype == X_theirs.dtype
    assert_array_equal(X_ours, X_theirs)
    assert_array_equal(y_ours, y_theirs)
    assert isinstance(sampler.categorical_encoder_, OrdinalEncoder)


def test_dataframe_and_a_neighbours_estimator():
    X, y = _categorical_data(**DATASETS["strings"])
    frame = pd.DataFrame(X, columns=["colour", "size", "shape"])
    X_theirs, _ = ImblearnSMOTEN(random_state=0).fit_resample(frame, y)
    pd.testing.assert_frame_equal(SMOTEN(random_state=0).fit_resample(frame, y)[0], X_theirs)
    nn = NearestNeighbors(n_neighbors=4)
    X_theirs, _ = ImblearnSMOTEN(k_neighbors=nn, random_state=0).fit_resample(X, y)
    assert_array_equal(SMOTEN(k_neighbors=nn, random_state=0).fit_resample(X, y)[0], X_theirs)


def test_value_difference_distances_are_imblearns_bit_for_bit():
    X, y = _categorical_data(**DATASETS["three classes, strings"])
    codes = OrdinalEncoder(dtype=np.int32).fit_transform(X)
    n_levels = [int(c.max()) + 1 for c in codes.T]
    vdm = ValueDifferenceMetric(n_categories=n_levels).fit(codes, y)
    tables = value_difference_tables(codes.astype(np.int64), y, n_levels)
    no_numeric = np.empty((len(codes), 0))
    assert_array_equal(full_distances(no_numeric, codes, tables=tables), vdm.pairwise(codes))


def test_neighbours_are_precomputed_nearestneighbors_own_ties_included():
    X, y = _categorical_data(**DATASETS["ints"])
    codes = OrdinalEncoder(dtype=np.int32).fit_transform(X)
    n_levels = [int(c.max()) + 1 for c in codes.T]
    vdm = ValueDifferenceMetric(n_categories=n_levels).fit(codes, y)
    distances = vdm.pairwise(codes)
    expected = NearestNeighbors(n_neighbors=6, metric="precomputed").fit(distances).kneighbors(distances)[1]
    tables = value_difference_tables(codes.astype(np.int64), y, n_levels)
    ours = categorical_kneighbors(np.empty((len(codes), 0)), codes, 6, CPU, tables=tables)
    assert_array_equal(ours, expected)
    # The tensor route may order equal distances otherwise, never pick farther ones.
    space = _space(np.empty((len(codes), 0)), codes, 0.0, tables, False, False)
    from_torch = _kneighbors_torch(space, 6, CPU)
    rows = np.arange(len(codes))[:, None]
    assert_array_equal(distances[rows, from_torch], distances[rows, expected])


def test_sparse_input_warns_and_keeps_its_format():
    X, y = _categorical_data(**DATASETS["ints"])
    dense, _ = SMOTEN(random_state=0).fit_resample(X, y)
    for make in (sparse.csr_matrix, sparse.csc_matrix):
        with pytest.warns(DataConversionWarning, match="converted to a dense array"):
            result, _ = SMOTEN(random_state=0).fit_resample(make(X), y)
        assert result.format == make(X).format
        assert_array_equal(result.toarray(), dense)


def test_too_few_samples_for_the_neighbours_and_a_failed_fit_leaves_the_sampler_unchanged():
    X, y = _categorical_data(**DATASETS["ints"])
    sampler = SMOTEN(random_state=0).fit(X, y)
    sampler.fit_resample(X, y)
    categories = sampler.categorical_encoder_.categories_
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:3]])
    with pytest.raises(ValueError, match="n_neighbors = 6, n_samples_fit = 3"):
        sampler.fit_resample(X[keep][:, :2], y[keep])
    assert sampler.n_features_in_ == X.shape[1]
    assert sampler.categorical_encoder_.categories_ is categories
