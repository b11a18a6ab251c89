"""RandomOverSampler against imbalanced-learn's, shrinkage, any 2-D input, bad input."""

from collections import Counter

import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler as ImbRandomOverSampler
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.datasets import load_breast_cancer, make_classification

from skdl.over_sampling import RandomOverSampler


def _data():
    return make_classification(500, 5, n_informative=3, n_classes=3, weights=[0.1, 0.3], random_state=0)


@pytest.mark.parametrize("shrinkage", [None, 0.0, 0.7, {0: 0.5, 1: 1.0}])
@pytest.mark.parametrize("dataset", ["breast_cancer", "three_classes"])
def test_same_output_as_imblearn(shrinkage, dataset):
    X, y = load_breast_cancer(return_X_y=True) if dataset == "breast_cancer" else _data()
    if isinstance(shrinkage, dict) and dataset == "breast_cancer":
        shrinkage = {0: 0.5}
    ours = RandomOverSampler(random_state=4, shrinkage=shrinkage)
    ref = ImbRandomOverSampler(random_state=4, shrinkage=shrinkage)
    X_ours, y_ours = ours.fit_resample(X, y)
    X_ref, y_ref = ref.fit_resample(X, y)
    assert_allclose(X_ours, X_ref, rtol=1e-12, atol=1e-12)
    assert_array_equal(y_ours, y_ref)
    assert_array_equal(ours.sample_indices_, ref.sample_indices_)


def test_sample_indices_and_originals_first():
    X, y = _data()
    sampler = RandomOverSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert_array_equal(sampler.sample_indices_[: len(X)], np.arange(len(X)))
    assert_array_equal(X_res, X[sampler.sample_indices_])
    assert_array_equal(y_res, y[sampler.sample_indices_])
    majority = max(Counter(y).values())
    assert Counter(y_res) == {label: majority for label in np.unique(y)}


def test_shrinkage_noise_has_the_documented_scale():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(2000, 2) * [1.0, 3.0], rng.randn(200, 2) * [2.0, 0.5]])
    y = np.array([0] * 2000 + [1] * 200)
    sampler = RandomOverSampler(random_state=0, shrinkage=1.0)
    X_res, _ = sampler.fit_resample(X, y)
    noise = X_res[len(X) :] - X[sampler.sample_indices_[len(X) :]]
    n, d = X.shape
    bandwidth = (4 / ((d + 2) * n)) ** (1 / (d + 4))
    expected = bandwidth * X[y == 1].std(axis=0)
    assert_allclose(noise.std(axis=0), expected, rtol=0.06)
    assert_allclose(noise.mean(axis=0), 0, atol=0.1 * expected.max())


def test_strings_nan_and_sparse_pass_through_unchanged():
    X = np.array([["a", 1.0], ["b", np.nan], ["c", 3.0], ["d", 4.0]], dtype=object)
    y = np.array([0, 0, 0, 1])
    X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    assert X_res.dtype == object and Counter(y_res) == {0: 3, 1: 3}
    assert (X_res[4:] == X[3]).all()
    Xs, ys = _data()
    X_sp, _ = RandomOverSampler(random_state=0).fit_resample(sparse.csr_matrix(Xs), ys)
    assert sparse.issparse(X_sp)
    assert_array_equal(X_sp.toarray(), RandomOverSampler(random_state=0).fit_resample(Xs, ys)[0])


def test_bad_input():
    X, y = _data()
    with pytest.raises(ValueError, match="missing classes"):
        RandomOverSampler(shrinkage={0: 1.0}).fit_resample(X, y)
    with pytest.raises(ValueError, match="shrinkage factor needs to be >= 0"):
        RandomOverSampler(shrinkage={0: 1.0, 1: -1.0}).fit_resample(X, y)
    with pytest.raises(ValueError, match="'shrinkage' parameter"):
        RandomOverSampler(shrinkage=-1.0).fit_resample(X, y)
    with pytest.raises(ValueError, match="numerical data"):
        RandomOverSampler(shrinkage=1.0).fit_resample(np.array([["a"], ["b"], ["c"]], dtype=object), [0, 0, 1])
    with pytest.raises(ValueError, match="needs to have more than 1 class"):
        RandomOverSampler().fit_resample(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="With over-sampling methods"):
        RandomOverSampler(sampling_strategy={0: 5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        RandomOverSampler().fit_resample(X, np.linspace(0, 1, len(X)))
