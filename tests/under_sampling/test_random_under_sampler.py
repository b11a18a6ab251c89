"""RandomUnderSampler against imbalanced-learn's, sample_indices_, bad input."""

from collections import Counter

import numpy as np
import pytest
from imblearn.under_sampling import RandomUnderSampler as ImbRandomUnderSampler
from numpy.testing import assert_array_equal
from sklearn.datasets import load_breast_cancer, load_digits, make_classification

from skdl.under_sampling import RandomUnderSampler


@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("strategy", ["auto", "majority", "not majority", "all", 0.8])
@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_same_output_as_imblearn(replacement, strategy, dataset):
    X, y = load_breast_cancer(return_X_y=True) if dataset == "breast_cancer" else load_digits(return_X_y=True)
    if strategy == 0.8 and dataset == "digits":
        y = (y == 0).astype(int)
    ours = RandomUnderSampler(sampling_strategy=strategy, replacement=replacement, random_state=1)
    ref = ImbRandomUnderSampler(sampling_strategy=strategy, replacement=replacement, random_state=1)
    X_ours, y_ours = ours.fit_resample(X, y)
    X_ref, y_ref = ref.fit_resample(X, y)
    assert_array_equal(X_ours, X_ref)
    assert_array_equal(y_ours, y_ref)
    assert_array_equal(ours.sample_indices_, ref.sample_indices_)


def test_counts_indices_and_kept_rows_unchanged():
    X, y = make_classification(600, 4, n_classes=3, n_informative=3, n_redundant=0, weights=[0.1, 0.3], random_state=0)
    X_before = X.copy()
    sampler = RandomUnderSampler(sampling_strategy={1: 70, 2: 100}, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res) == {0: Counter(y)[0], 1: 70, 2: 100}
    assert_array_equal(X_res, X[sampler.sample_indices_])
    assert len(set(sampler.sample_indices_)) == len(sampler.sample_indices_)  # no replacement
    assert_array_equal(X, X_before)


def test_bad_input():
    X, y = make_classification(100, 3, n_informative=2, n_redundant=0, weights=[0.8], random_state=0)
    with pytest.raises(ValueError, match="needs to have more than 1 class"):
        RandomUnderSampler().fit_resample(X, np.ones(100))
    with pytest.raises(ValueError, match="With under-sampling methods"):
        RandomUnderSampler(sampling_strategy={0: 1000}).fit_resample(X, y)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        RandomUnderSampler().fit_resample(X, np.linspace(0, 1, 100))
