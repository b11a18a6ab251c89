"""The estimator registry."""

import pytest
from sklearn.base import BaseEstimator

from skdl.cluster import KMeans
from skdl.utils import all_estimators
from skdl.utils._testing import FAST_PARAMS


def test_registry_lists_public_estimators_sorted_by_name():
    estimators = all_estimators()
    names = [name for name, _ in estimators]
    assert ("KMeans", KMeans) in estimators
    assert names == sorted(names)
    assert all(issubclass(cls, BaseEstimator) for _, cls in estimators)
    assert not any(name.startswith(("_", "Base")) for name in names)


def test_type_filter():
    assert all_estimators(type_filter="cluster") == [("KMeans", KMeans)]
    assert ("KMeans", KMeans) in all_estimators(type_filter=["transformer", "classifier"])
    assert ("KMeans", KMeans) not in all_estimators(type_filter="regressor")


def test_unknown_type_filter_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"valid values are \['classifier', 'cluster'"):
        all_estimators(type_filter="clusterer")


def test_fast_params_only_name_registered_estimators():
    names = {name for name, _ in all_estimators()}
    assert set(FAST_PARAMS) <= names
