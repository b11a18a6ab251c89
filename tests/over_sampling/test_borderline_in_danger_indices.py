"""BorderlineSMOTE.in_danger_indices: imbalanced-learn's name for the samples in danger."""

import numpy as np
import pytest
from imblearn import over_sampling as imb
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification

from skdl.over_sampling import BorderlineSMOTE


def _data():
    return make_classification(400, 5, n_informative=3, n_classes=3, n_clusters_per_class=1,
                               weights=[0.7, 0.2, 0.1], flip_y=0.05, random_state=0)


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_in_danger_indices_are_imblearns(kind):
    X, y = _data()
    ours = BorderlineSMOTE(kind=kind, random_state=0, device="cpu")
    ref = imb.BorderlineSMOTE(kind=kind, random_state=0)
    ours.fit_resample(X, y)
    ref.fit_resample(X, y)
    assert ours.in_danger_indices.keys() == ref.in_danger_indices.keys()
    for label, index in ref.in_danger_indices.items():
        assert_array_equal(ours.in_danger_indices[label], index)


def test_classes_without_danger_are_left_out_as_in_imblearn():
    # Two well separated blobs: no minority sample is in danger.
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(10, 0.1, (10, 2))])
    y = np.array([0] * 50 + [1] * 10)
    sampler = BorderlineSMOTE(random_state=0, device="cpu")
    with pytest.warns(UserWarning, match="no sample of class 1 in danger"):
        sampler.fit_resample(X, y)
    assert_array_equal(sampler.in_danger_indices_[1], [])
    assert sampler.in_danger_indices == {}
    ref = imb.BorderlineSMOTE(random_state=0)
    ref.fit_resample(X, y)
    assert ref.in_danger_indices == {}


def test_in_danger_indices_before_fit_and_not_a_parameter():
    sampler = BorderlineSMOTE()
    with pytest.raises(AttributeError, match="not fitted"):
        sampler.in_danger_indices
    assert not hasattr(sampler, "in_danger_indices")
    assert "in_danger_indices" not in clone(sampler).get_params()
