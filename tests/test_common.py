"""scikit-learn's estimator checks over every estimator in the registry."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdl.utils._testing import all_fast_instances, expected_failed_checks


@parametrize_with_checks(all_fast_instances(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_registry_is_not_empty():
    assert all_fast_instances(), "all_estimators() found no estimator"
