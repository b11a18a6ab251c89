"""The one place that imports scikit-learn's private or semi-private helpers.

They move between scikit-learn releases; an upgrade should touch this file
only.
"""

from sklearn.base import _fit_context
from sklearn.ensemble._base import _set_random_states
from sklearn.utils import _safe_indexing
from sklearn.utils._chunking import get_chunk_n_rows
from sklearn.utils._indexing import _get_column_indices
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.multiclass import _ovr_decision_function
from sklearn.utils.validation import _check_sample_weight, validate_data

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "RealNotInt",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "_get_column_indices",
    "_ovr_decision_function",
    "_safe_indexing",
    "_set_random_states",
    "get_chunk_n_rows",
    "validate_data",
    "validate_params",
]
