"""The registry of skdl estimators, built by walking the package."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    RegressorMixin,
    TransformerMixin,
)

_TYPE_FILTERS = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "cluster": ClusterMixin,
    "transformer": TransformerMixin,
}


def _is_public_module(module_name):
    """True if no part of the dotted name is private or a test module."""
    return not any(part.startswith("_") or part == "tests" for part in module_name.split(".")[1:])


def _public_modules():
    """Import and yield every public module of skdl."""
    import skdl

    yield skdl
    for info in pkgutil.walk_packages(skdl.__path__, prefix="skdl."):
        if _is_public_module(info.name):
            yield import_module(info.name)


def _is_sampler(cls):
    """True for imbalanced-learn style samplers (they define ``fit_resample``)."""
    return hasattr(cls, "fit_resample")


def all_estimators(type_filter=None):
    """List every public skdl estimator.

    The list is built by walking the package, so an estimator is registered by
    being defined in a public module; nothing else needs updating.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "cluster", "transformer", \
            "sampler"} or list of those, default=None
        Keep only estimators of these kinds. ``None`` keeps all of them.

    Returns
    -------
    estimators : list of (name, class) tuples
        Sorted by name.

    Examples
    --------
    >>> from skdl.utils import all_estimators
    >>> [name for name, _ in all_estimators(type_filter="cluster")]
    ['KMeans']
    """
    found = {}
    for module in _public_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseEstimator)
                and cls.__module__.startswith("skdl.")
                and not name.startswith(("_", "Base"))
                and not inspect.isabstract(cls)
            ):
                found[name] = cls
    estimators = sorted(found.items(), key=itemgetter(0))
    if type_filter is None:
        return estimators
    kinds = [type_filter] if isinstance(type_filter, str) else list(type_filter)
    unknown = sorted(set(kinds) - set(_TYPE_FILTERS) - {"sampler"})
    if unknown:
        valid = sorted([*_TYPE_FILTERS, "sampler"])
        raise ValueError(f"Unknown type_filter {unknown}; valid values are {valid}.")
    return [
        (name, cls)
        for name, cls in estimators
        if any(_is_sampler(cls) if kind == "sampler" else issubclass(cls, _TYPE_FILTERS[kind]) for kind in kinds)
    ]
