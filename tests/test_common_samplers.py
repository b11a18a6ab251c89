"""imbalanced-learn's estimator checks over skdl's samplers and imbalance ensembles.

scikit-learn's checks (tests/test_common.py) run on every estimator, samplers
included; these add imbalanced-learn's own: every ``sampling_strategy`` form,
one-class targets, sparse / pandas / list / string / NaN input where the tags
allow it, dtype preservation, ``sample_indices_`` and feature names out.
"""

from imblearn.utils.estimator_checks import parametrize_with_checks

from skdl.utils import all_estimators
from skdl.utils._testing import expected_failed_checks, fast_instance

_IMBALANCE_ENSEMBLES = {"EasyEnsembleClassifier", "BalanceCascadeClassifier"}



def _seeded(estimator):
    """imbalanced-learn's checks compare two fits: they need a fixed random_state."""
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=0)
    return estimator


_SAMPLERS = [_seeded(fast_instance(cls)) for _, cls in all_estimators(type_filter="sampler")]
_ENSEMBLES = [_seeded(fast_instance(cls)) for name, cls in all_estimators() if name in _IMBALANCE_ENSEMBLES]


def test_the_registry_lists_the_samplers():
    names = {type(sampler).__name__ for sampler in _SAMPLERS}
    assert {"SMOTE", "BorderlineSMOTE", "RandomOverSampler", "RandomUnderSampler"} <= names


@parametrize_with_checks(_SAMPLERS + _ENSEMBLES, expected_failed_checks=expected_failed_checks)
def test_imblearn_compatible_estimator(estimator, check):
    check(estimator)
