"""The public inspection functions validate their parameters as scikit-learn does.

Every type, range and option check is a ``validate_params`` constraint, so a
bad parameter raises scikit-learn's ``InvalidParameterError`` (both a
``ValueError`` and a ``TypeError``) with its standard message, before any
computation. Checks that depend on the data or the network (an unknown layer,
a unit or ``k`` past the end, a patch larger than the image) are tested next
to each function.
"""

import inspect
import re

import numpy as np
import pytest

import skdl.inspection
from skdl.utils._sklearn_compat import InvalidParameterError

FUNCTIONS = sorted(skdl.inspection.__all__)


def _valid_arguments(name, cnn, images):
    """Arguments for a valid call of each public function: every parameter, by name."""
    X, y = images
    X, y = X[:20], y[:20]
    net_call = dict(net=cnn, X=X)
    return {
        "layer_activations": dict(net_call, layers=None),
        "max_activating_inputs": dict(net_call, layer="fc", unit=0, k=3, reduce="max"),
        "occlusion_sensitivity": dict(net_call, y=y, patch=None, stride=None, fill="mean", image_shape=None),
        "hidden_embedding": dict(net_call, layer="fc", method="pca", perplexity=5.0, random_state=0),
        "diagnose_fit": dict(net=cnn, overfit_rise=0.1, underfit_drop=0.05, min_train_drop=0.25, window=5),
        "plot_activations": dict(net_call, layer="conv", sample=0, max_maps=2, image_shape=None),
        "plot_filters": dict(net=cnn, layer=None, max_filters=4, image_shape=None),
        "plot_embedding": dict(embedding=np.zeros((3, 2)), y=None, title=None, ax=None),
        "plot_occlusion": dict(X=X[:2], sensitivity=np.zeros((2, 8, 8)), max_images=2, titles=None),
        "plot_learning_curves": dict(net=cnn, diagnosis=True),
    }[name]


def _message(function, parameter):
    """scikit-learn's message for a parameter that satisfies none of its constraints."""
    return rf"^The '{parameter}' parameter of {function} must be .+\. Got .+ instead\.$"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_parameter_has_a_constraint(name):
    function = getattr(skdl.inspection, name)
    constraints = function._skl_parameter_constraints
    assert set(constraints) == set(inspect.signature(function).parameters)


class _BadType:
    """An object no constraint accepts."""


@pytest.mark.parametrize("name", FUNCTIONS)
def test_wrong_type_of_every_parameter(name, cnn, images):
    """Each parameter in turn gets an object of a foreign type; the others stay valid."""
    function = getattr(skdl.inspection, name)
    arguments = _valid_arguments(name, cnn, images)
    assert set(arguments) == set(inspect.signature(function).parameters)
    for parameter in arguments:
        bad = dict(arguments, **{parameter: _BadType()})
        with pytest.raises(InvalidParameterError, match=_message(name, parameter)):
            function(**bad)


BAD_VALUES = [
    ("layer_activations", "layers", 3),
    ("max_activating_inputs", "k", 0),
    ("max_activating_inputs", "unit", -1),
    ("max_activating_inputs", "reduce", "median"),
    ("occlusion_sensitivity", "patch", 0),
    ("occlusion_sensitivity", "stride", -2),
    ("occlusion_sensitivity", "fill", np.inf),
    ("occlusion_sensitivity", "image_shape", 8),
    ("hidden_embedding", "method", "umap"),
    ("hidden_embedding", "perplexity", -1.0),
    ("hidden_embedding", "random_state", "seed"),
    ("diagnose_fit", "overfit_rise", -0.1),
    ("diagnose_fit", "min_train_drop", np.nan),
    ("diagnose_fit", "window", 0),
    ("plot_activations", "sample", -1),
    ("plot_activations", "max_maps", 0),
    ("plot_filters", "max_filters", 0),
    ("plot_filters", "layer", 0),
    ("plot_embedding", "title", 3),
    ("plot_embedding", "ax", "axes"),
    ("plot_occlusion", "max_images", 0),
    ("plot_occlusion", "titles", "abc"),
    ("plot_learning_curves", "diagnosis", "yes"),
    ("plot_learning_curves", "net", {"train_loss": [1.0]}),
]


@pytest.mark.parametrize("name, parameter, value", BAD_VALUES)
def test_bad_value_is_rejected_with_sklearn_message(name, parameter, value, cnn, images):
    function = getattr(skdl.inspection, name)
    arguments = dict(_valid_arguments(name, cnn, images), **{parameter: value})
    with pytest.raises(InvalidParameterError, match=_message(name, parameter)) as info:
        function(**arguments)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    assert re.search(rf"Got {re.escape(repr(value))} instead", str(info.value))


def test_every_public_function_has_a_bad_value_case():
    assert {name for name, _, _ in BAD_VALUES} == set(FUNCTIONS)
