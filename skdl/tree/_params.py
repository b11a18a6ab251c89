"""The constructor parameters of a tree resolved against the data, as scikit-learn resolves them."""

import sys
from math import ceil
from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.base import ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import assert_all_finite

from ._criterion import POISSON

# The splitters that take NaN in dense X (scikit-learn's trees take it with
# both of theirs; "hist" gives it a bin, as HistGradientBoosting does); the
# others refuse it as scikit-learn refuses NaN where its trees cannot use it.
MISSING_VALUE_SPLITTERS = {"best", "random", "hist"}


def supports_missing_values(tree, X):
    """scikit-learn's ``_support_missing_values``: dense X and a splitter that takes NaN."""
    return not issparse(X) and tree.__sklearn_tags__().input_tags.allow_nan


def has_missing_values(tree, X):
    """Whether X holds NaN the tree will split on; refuses infinity, and NaN the tree cannot take.

    scikit-learn's ``_compute_missing_values_in_feature_mask``: one sum
    tells that X is finite (the common case costs one pass); otherwise the
    element-wise check names an infinity, and NaN is an error unless
    :func:`supports_missing_values`.
    """
    if not supports_missing_values(tree, X):
        assert_all_finite(X, estimator_name=type(tree).__name__, input_name="X")
        return False
    with np.errstate(over="ignore"):
        overall_sum = np.sum(X)
    if np.isfinite(overall_sum):
        return False
    assert_all_finite(X, allow_nan=True, estimator_name=type(tree).__name__, input_name="X")
    return bool(np.isnan(overall_sum))


def resolve_params(tree, n_samples, n_features, sample_weight):
    """Integer stopping rules from the constructor parameters, as scikit-learn."""
    if isinstance(tree.min_samples_leaf, Integral):
        min_samples_leaf = tree.min_samples_leaf
    else:
        min_samples_leaf = ceil(tree.min_samples_leaf * n_samples)
    if isinstance(tree.min_samples_split, Integral):
        min_samples_split = tree.min_samples_split
    else:
        min_samples_split = max(2, ceil(tree.min_samples_split * n_samples))
    min_samples_split = max(min_samples_split, 2 * min_samples_leaf)
    if tree.max_features == "sqrt":
        max_features = max(1, int(np.sqrt(n_features)))
    elif tree.max_features == "log2":
        max_features = max(1, int(np.log2(n_features)))
    elif tree.max_features is None:
        max_features = n_features
    elif isinstance(tree.max_features, Integral):
        if tree.max_features > n_features:
            raise ValueError(f"max_features={tree.max_features} must be <= n_features={n_features}.")
        max_features = tree.max_features
    else:
        max_features = max(1, int(tree.max_features * n_features))
    if tree.max_leaf_nodes is not None and 2 * tree.max_leaf_nodes - 1 > sys.maxsize // 64:
        # scikit-learn allocates its best-first node store for max_leaf_nodes
        # leaves up front; a store no address space holds fails as that does
        raise MemoryError(f"max_leaf_nodes={tree.max_leaf_nodes} needs more memory than can be addressed.")
    return {
        "max_depth": np.iinfo(np.int32).max if tree.max_depth is None else tree.max_depth,
        "min_samples_split": min_samples_split,
        "min_samples_leaf": min_samples_leaf,
        "min_weight_leaf": tree.min_weight_fraction_leaf * float(np.sum(sample_weight)),
        "min_impurity_decrease": float(tree.min_impurity_decrease),
        "max_features": max_features,
        "max_leaf_nodes": -1 if tree.max_leaf_nodes is None else tree.max_leaf_nodes,
        "seed": int(check_random_state(tree.random_state).randint(np.iinfo(np.int32).max)),
    }


def resolve_monotonic_cst(tree, n_features, n_classes):
    """``monotonic_cst`` as int8, checked as scikit-learn checks it (zeros when None).

    For a classifier the signs are flipped: the criterion constrains the
    proportion of the first class, the parameter the positive class's.
    """
    if tree.monotonic_cst is None:
        return np.zeros(n_features, dtype=np.int8)
    if len(n_classes) > 1:
        raise ValueError("Monotonicity constraints are not supported with multiple outputs.")
    cst = np.asarray(tree.monotonic_cst)
    if cst.shape[0] != n_features:
        raise ValueError(f"monotonic_cst has shape {cst.shape[0]} but the input data X has {n_features} features.")
    if not np.all(np.isin(cst, (-1, 0, 1))):
        raise ValueError(f"monotonic_cst must be None or an array-like of -1, 0 or 1, but got {np.unique(cst)}")
    cst = np.asarray(cst, dtype=np.int8)
    if isinstance(tree, ClassifierMixin):
        if n_classes[0] > 2:
            raise ValueError("Monotonicity constraints are not supported with multiclass classification")
        cst = -cst
    return cst


def check_splitter_support(tree, crit, monotonic_cst):
    """Refuse what the chosen splitter does not implement."""
    if tree.splitter == "hist" and crit == POISSON:
        raise ValueError("criterion='poisson' is not supported with splitter='hist'.")
    if tree.splitter == "hist" and np.any(monotonic_cst != 0):
        raise ValueError("monotonic_cst is not supported with splitter='hist'.")
