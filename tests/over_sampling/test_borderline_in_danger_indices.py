"""BorderlineSMOTE.in_danger_indices: imbalanced-learn's name for the samples in danger."""

import numpy as np
import pytest
from imblearn import over_sampling as imb
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification

from skdl.over_sampling import BorderlineSMOTE


def _data():
    return make_classification(
        400,
        5,
        n_informative=3,
        n_classes=3,
        n_clusters_per_class=1,
        weights=[0.7, 0.2, 0.1],
        flip_y=0.05,
        random_state=0,
    )


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


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
@pytest.mark.parametrize("random_state", [0, 7])
def test_samples_are_imblearns_bit_for_bit(kind, random_state):
    X, y = _data()
    X_ours, y_ours = BorderlineSMOTE(kind=kind, random_state=random_state, device="cpu").fit_resample(X, y)
    X_ref, y_ref = imb.BorderlineSMOTE(kind=kind, random_state=random_state).fit_resample(X, y)
    assert_array_equal(X_ours, X_ref)
    assert_array_equal(y_ours, y_ref)


def test_borderline_2_with_a_random_state_instance_continues_its_stream_as_imblearn():
    X, y = _data()
    X_ours, _ = BorderlineSMOTE(kind="borderline-2", random_state=np.random.RandomState(3), device="cpu").fit_resample(
        X, y
    )
    X_ref, _ = imb.BorderlineSMOTE(kind="borderline-2", random_state=np.random.RandomState(3)).fit_resample(X, y)
    assert_array_equal(X_ours, X_ref)


def test_paper_gap_halves_the_pairs_gap_towards_other_classes():
    # Same pairs and first gaps u; towards another class the paper's gap is
    # u / 2, imbalanced-learn's u * v with v ~ U(0, 0.5).
    X, y = _data()
    paper = BorderlineSMOTE(kind="borderline-2", other_class_gap="paper", random_state=0, device="cpu")
    default = BorderlineSMOTE(kind="borderline-2", random_state=0, device="cpu")
    X_paper, _ = paper.fit_resample(X, y)
    X_default, _ = default.fit_resample(X, y)
    new_paper, new_default = X_paper[len(X) :], X_default[len(X) :]
    same = np.all(new_paper == new_default, axis=1)
    assert same.any() and not same.all()  # same-class pairs agree, other-class pairs differ
    X_one, _ = BorderlineSMOTE(kind="borderline-1", other_class_gap="paper", random_state=0, device="cpu").fit_resample(
        X, y
    )
    assert_array_equal(X_one, BorderlineSMOTE(kind="borderline-1", random_state=0, device="cpu").fit_resample(X, y)[0])
    with pytest.raises(ValueError, match="'other_class_gap' parameter"):
        BorderlineSMOTE(other_class_gap="half").fit_resample(X, y)
