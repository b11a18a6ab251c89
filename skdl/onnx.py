"""ONNX export of skdl's fitted estimators, through skl2onnx.

Importing this module registers a converter with skl2onnx for every skdl
estimator that predicts, and a parser that leaves the samplers of an
imbalanced-learn pipeline out of the graph, so that ``skl2onnx.to_onnx`` turns
a pipeline containing skdl estimators into one ONNX graph::

    import skdl.onnx  # noqa: F401  (registers the converters)
    from skl2onnx import to_onnx
    onx = to_onnx(pipeline, X[:1].astype("float32"), options={"zipmap": False})

:func:`to_onnx` does the same in one call and checks the model first.

Where an skdl estimator's fitted attributes are scikit-learn's
(``LogisticRegression``, ``LinearSVC``, ``SVC``, ``KMeans``, the trees and
AdaBoost), its converter hands skl2onnx's own converter a scikit-learn
estimator that carries the same fitted attributes, so the graph is exactly the
one skl2onnx writes for scikit-learn. The graphs written here are those of the
ensembles whose rule scikit-learn does not have: AdaCost's normalised
weighted vote (and AdaMEC's calibrated, least-expected-cost decision),
EasyEnsemble's average of probabilities and BalanceCascade's cascade score.
skdl's nets are exported with ``torch.onnx.export`` (see :func:`export_net`),
alone or as a pipeline step. Requires the ``onnx`` extra
(``pip install skdl[onnx]``).
"""

import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse
import sklearn.cluster
import sklearn.ensemble
import sklearn.linear_model
import sklearn.svm
import sklearn.tree
import torch
from imblearn.base import SamplerMixin
from imblearn.pipeline import Pipeline as ImbalancedPipeline
from onnx import TensorProto
from skl2onnx import to_onnx as _skl2onnx_to_onnx
from skl2onnx import update_registered_converter
from skl2onnx._parse import (
    _parse_sklearn,
    _parse_sklearn_classifier,
    sklearn_parsers_map,
    update_registered_parser,
)
from skl2onnx._supported_operators import sklearn_operator_name_map
from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
from skl2onnx.algebra.onnx_ops import (
    OnnxArgMax,
    OnnxArgMin,
    OnnxCast,
    OnnxConcat,
    OnnxDiv,
    OnnxEqual,
    OnnxGather,
    OnnxGreater,
    OnnxIdentity,
    OnnxMatMul,
    OnnxMean,
    OnnxMul,
    OnnxNeg,
    OnnxReshape,
    OnnxSigmoid,
    OnnxSoftmax,
    OnnxSub,
    OnnxSum,
)
from skl2onnx.common._registration import get_converter, get_shape_calculator
from skl2onnx.common.data_types import guess_numpy_type
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from skdl.cluster import KMeans
from skdl.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    AdaCostClassifier,
    BalanceCascadeClassifier,
    EasyEnsembleClassifier,
)
from skdl.linear_model import LogisticRegression
from skdl.nn import CNNClassifier, MLPClassifier
from skdl.svm import SVC, LinearSVC
from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["to_onnx", "export_net", "supported_estimators"]

# skdl estimator -> the scikit-learn estimator whose fitted attributes it shares.
_SKLEARN_TWINS = {
    LogisticRegression: sklearn.linear_model.LogisticRegression,
    LinearSVC: sklearn.svm.LinearSVC,
    SVC: sklearn.svm.SVC,
    KMeans: sklearn.cluster.KMeans,
    DecisionTreeClassifier: sklearn.tree.DecisionTreeClassifier,
    DecisionTreeRegressor: sklearn.tree.DecisionTreeRegressor,
    AdaBoostClassifier: sklearn.ensemble.AdaBoostClassifier,
    AdaBoostRegressor: sklearn.ensemble.AdaBoostRegressor,
}

# Private fitted attributes skl2onnx's converters read besides the public ones.
# (SVC's Platt sigmoids: empty unless ``probability=True``.)
_PRIVATE_FITTED = {SVC: ("_gamma", "_probA", "_probB")}

# State scikit-learn's twin needs and skdl has no counterpart for: the twin
# reads dense support vectors (they are densified for it below).
_TWIN_EXTRAS = {SVC: {"_sparse": False}}

_CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [True, False]}
_SVC_KERNELS = ("linear", "poly", "rbf", "sigmoid")
# Newest opset the nets are exported at inside a pipeline (torch's TorchScript exporter).
_NET_MAX_OPSET = 18


def _unsupported(estimator, what, supported):
    return NotImplementedError(f"{type(estimator).__name__} with {what} has no ONNX converter; supported: {supported}.")


def _check_convertible(estimator):
    """Raise before skl2onnx starts when a fitted option has no ONNX equivalent."""
    check_is_fitted(estimator)
    if isinstance(estimator, SVC):
        if estimator.kernel not in _SVC_KERNELS:
            name = getattr(estimator.kernel, "__name__", repr(estimator.kernel))
            raise _unsupported(estimator, f"kernel={name}", f"kernel in {_SVC_KERNELS} (ONNX's SVMClassifier)")
        if estimator.multiclass != "ovo" and len(estimator.classes_) > 2:
            raise _unsupported(
                estimator,
                f"multiclass={estimator.multiclass!r}",
                "multiclass='ovo', libsvm's and ONNX's one-vs-one vote",
            )


def _sklearn_twin(estimator):
    """A scikit-learn estimator of the same kind carrying ``estimator``'s fitted state."""
    twin_class = _SKLEARN_TWINS[type(estimator)]
    twin = twin_class()
    own = estimator.get_params(deep=False)
    twin.set_params(**{k: v for k, v in own.items() if k in twin.get_params(deep=False)})
    fitted = [k for k in vars(estimator) if k.endswith("_") and not k.startswith("__")]
    for name in (*fitted, *_PRIVATE_FITTED.get(type(estimator), ())):
        # scikit-learn derives some public attributes (SVC's ``n_support_``)
        # from private ones through read-only properties.
        target = "_" + name[:-1] if isinstance(getattr(twin_class, name, None), property) else name
        value = getattr(estimator, name)
        # ONNX's operators take dense weights: the support vectors of an SVC
        # fitted on sparse X, a ``coef_`` after ``sparsify()``.
        setattr(twin, target, value.toarray() if scipy.sparse.issparse(value) else value)
    for name, value in _TWIN_EXTRAS.get(type(estimator), {}).items():
        setattr(twin, name, value)
    return twin


@contextmanager
def _as_twin(operator):
    """For the time of the block, the operator's model is its scikit-learn twin.

    skl2onnx's shape calculators and converters recognise scikit-learn's
    classes (``isinstance``), so they are handed the twin.
    """
    estimator = operator.raw_operator
    _check_convertible(estimator)
    operator.raw_operator = _sklearn_twin(estimator)
    try:
        with warnings.catch_warnings():
            # skl2onnx reads SVC's probA_ / probB_, deprecated in scikit-learn 1.9.
            warnings.filterwarnings("ignore", message=".*prob[AB]_", category=FutureWarning)
            yield
    finally:
        operator.raw_operator = estimator


def _twin_shape_calculator(calculate):
    def calculate_with_twin(operator):
        with _as_twin(operator):
            calculate(operator)

    return calculate_with_twin


def _twin_converter(convert):
    def convert_with_twin(scope, operator, container):
        with _as_twin(operator):
            convert(scope, operator, container)

    return convert_with_twin


def _register_twins():
    for skdl_class, sklearn_class in _SKLEARN_TWINS.items():
        alias = sklearn_operator_name_map[sklearn_class]
        update_registered_converter(
            skdl_class,
            "Skdl" + skdl_class.__name__,
            _twin_shape_calculator(get_shape_calculator(alias)),
            _twin_converter(get_converter(alias)),
            parser=sklearn_parsers_map.get(sklearn_class),
            options=get_converter(alias).get_allowed_options(),
        )
        if sklearn_class not in sklearn_parsers_map:
            # skl2onnx gives a classifier parser (label and zipmap'ed
            # probabilities) to any model registered with a ``zipmap`` or
            # ``output_class_labels`` option; LinearSVC has scores, no zipmap.
            sklearn_parsers_map.pop(skdl_class, None)


# Graphs of the ensembles scikit-learn has no counterpart for.


def _member_one_hot(member, X, n_classes, dtype, opset):
    """(n, n_classes) indicator of the class each fitted member predicts."""
    proba = OnnxSubEstimator(member, X, op_version=opset, options={"zipmap": False})[1]
    index = OnnxArgMax(proba, axis=1, keepdims=1, op_version=opset)
    hit = OnnxEqual(index, np.arange(n_classes, dtype=np.int64), op_version=opset)
    return OnnxCast(hit, to=_proto_type(dtype), op_version=opset)


def _proto_type(dtype):
    return TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT


def _weighted_sum(terms, weights, dtype, opset):
    scaled = [OnnxMul(t, np.array([w], dtype=dtype), op_version=opset) for t, w in zip(terms, weights)]
    return scaled[0] if len(scaled) == 1 else OnnxSum(*scaled, op_version=opset)


def _binary_outputs(decision, margin, classes, operator, scope, container, opset):
    """``label = classes[decision > 0]``, ``proba = [sigmoid(-margin), sigmoid(margin)]``."""
    positive = OnnxReshape(
        OnnxCast(
            OnnxGreater(decision, np.array([0], dtype=_dtype(operator)), op_version=opset),
            to=TensorProto.INT64,
            op_version=opset,
        ),
        np.array([-1], dtype=np.int64),
        op_version=opset,
    )
    proba = OnnxConcat(
        OnnxSigmoid(OnnxNeg(margin, op_version=opset), op_version=opset),
        OnnxSigmoid(margin, op_version=opset),
        axis=1,
        op_version=opset,
    )
    _emit(positive, proba, classes, operator, scope, container, opset)


def _emit(class_index, proba, classes, operator, scope, container, opset):
    label = OnnxGather(_label_array(classes), OnnxIdentity(class_index, op_version=opset), op_version=opset)
    flat = OnnxIdentity(label, op_version=opset, output_names=[operator.outputs[0].full_name])
    flat.add_to(scope, container)
    OnnxIdentity(proba, op_version=opset, output_names=[operator.outputs[1].full_name]).add_to(scope, container)


def _label_array(classes):
    classes = np.asarray(classes)
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64)
    return classes.astype(str)


def _dtype(operator):
    dtype = guess_numpy_type(operator.inputs[0].type)
    return np.float64 if dtype == np.float64 else np.float32


def _column(tensor, j, opset):
    return OnnxGather(tensor, np.array([j], dtype=np.int64), axis=1, op_version=opset)


def _samme_decision(model, X, dtype, opset):
    """The boosted ensemble's ``decision_function``: (n, 1) for two classes, else (n, K)."""
    k = model.n_classes_
    hits = [_member_one_hot(m, X, k, dtype, opset) for m in model.estimators_]
    weights = np.asarray(model.estimator_weights_, dtype=np.float64)
    votes = _weighted_sum(hits, weights / float(weights.sum()), dtype, opset)  # share of weight per class
    if k == 2:
        # SAMME's +-1 codes summed over both columns: 2 * (share_1 - share_0) = 4 * share_1 - 2.
        share = _column(votes, 1, opset)
        return OnnxSub(
            OnnxMul(share, np.array([4], dtype=dtype), op_version=opset), np.array([2], dtype=dtype), op_version=opset
        )
    # SAMME's vote: weight for the predicted class, -weight / (K - 1) for the others.
    return OnnxSub(
        OnnxMul(votes, np.array([k / (k - 1)], dtype=dtype), op_version=opset),
        np.array([1 / (k - 1)], dtype=dtype),
        op_version=opset,
    )


def convert_adacost(scope, operator, container):
    """AdaCost: the members' votes weighted by ``estimator_weights_``, over their sum.

    With ``method="adamec"``, the same cost-blind vote goes through the fitted
    logistic calibration, and the label is the class of least expected cost.
    """
    model = operator.raw_operator
    opset, dtype, X = container.target_opset, _dtype(operator), operator.inputs[0]
    k = model.n_classes_
    decision = _samme_decision(model, X, dtype, opset)
    if model.method == "adamec":
        proba = OnnxSubEstimator(model.calibrator_, decision, op_version=opset, options={"zipmap": False})[1]
        expected_cost = OnnxMatMul(proba, model.cost_matrix_.astype(dtype), op_version=opset)
        index = OnnxArgMin(expected_cost, axis=1, keepdims=0, op_version=opset)
        _emit(index, proba, model.classes_, operator, scope, container, opset)
        return
    if k == 2:
        _binary_outputs(decision, decision, model.classes_, operator, scope, container, opset)
        return
    proba = OnnxSoftmax(OnnxDiv(decision, np.array([k - 1], dtype=dtype), op_version=opset), axis=1, op_version=opset)
    index = OnnxArgMax(decision, axis=1, keepdims=0, op_version=opset)
    _emit(index, proba, model.classes_, operator, scope, container, opset)


def _member_proba(member, X, n_classes, dtype, opset):
    """A learner's probabilities, or its one-hot vote when it has no ``predict_proba``."""
    if hasattr(member, "predict_proba"):
        return OnnxSubEstimator(member, X, op_version=opset, options={"zipmap": False})[1]
    return _member_one_hot(member, X, n_classes, dtype, opset)


def convert_easy_ensemble(scope, operator, container):
    """EasyEnsemble: the mean of the learners' ``predict_proba``, its argmax as label.

    Each member is a ``(sampler, classifier)`` pipeline; the sampler acts in
    ``fit`` only, so the graph holds the classifier alone.
    """
    model = operator.raw_operator
    opset, dtype, X = container.target_opset, _dtype(operator), operator.inputs[0]
    probas = [_member_proba(member[-1], X, model.n_classes_, dtype, opset) for member in model.estimators_]
    proba = probas[0] if len(probas) == 1 else OnnxMean(*probas, op_version=opset)
    index = OnnxArgMax(proba, axis=1, keepdims=0, op_version=opset)
    _emit(index, proba, model.classes_, operator, scope, container, opset)


def convert_balance_cascade(scope, operator, container):
    """BalanceCascade: ``sign * (sum_i sum_j alpha_ij h_ij(x) - offset)``, ``h = +-1``."""
    model = operator.raw_operator
    opset, dtype, X = container.target_opset, _dtype(operator), operator.inputs[0]
    terms, weights = [], []
    for booster in model.estimators_:
        if not hasattr(booster, "estimator_weights_"):
            raise _unsupported(model, f"estimator={type(booster).__name__}", "AdaBoost learners (the default)")
        for member, alpha in zip(booster.estimators_, booster.estimator_weights_):
            if alpha != 0:
                terms.append(_column(_member_one_hot(member, X, 2, dtype, opset), 1, opset))
                weights.append(2.0 * alpha)
    offset = float(np.sum(weights)) / 2.0  # sum alpha (2 h_1 - 1) = 2 sum alpha h_1 - sum alpha
    offset += model._decision_offset()
    score = OnnxSub(_weighted_sum(terms, weights, dtype, opset), np.array([offset], dtype=dtype), op_version=opset)
    decision = OnnxMul(score, np.array([model._sign], dtype=dtype), op_version=opset)
    margin = OnnxDiv(decision, np.array([model._weight_total], dtype=dtype), op_version=opset)
    _binary_outputs(decision, margin, model.classes_, operator, scope, container, opset)


def _checked(convert):
    def convert_fitted(scope, operator, container):
        check_is_fitted(operator.raw_operator)
        convert(scope, operator, container)

    convert_fitted.__doc__ = convert.__doc__
    return convert_fitted


_NETS = (MLPClassifier, CNNClassifier)

_ENSEMBLE_CONVERTERS = {
    AdaCostClassifier: convert_adacost,
    EasyEnsembleClassifier: convert_easy_ensemble,
    BalanceCascadeClassifier: convert_balance_cascade,
}


def _register_ensembles():
    for skdl_class, convert in _ENSEMBLE_CONVERTERS.items():
        update_registered_converter(
            skdl_class,
            "Skdl" + skdl_class.__name__,
            calculate_linear_classifier_output_shapes,
            _checked(convert),
            parser=_parse_sklearn_classifier,
            options=_CLASSIFIER_OPTIONS,
        )


def _parse_imbalanced_pipeline(scope, model, inputs, custom_parsers=None):
    """Parse the steps of an imbalanced-learn pipeline, its samplers left out.

    A sampler only resamples the training set in ``fit``; at prediction time
    the pipeline passes the data on untouched, so it has no node in the graph.
    """
    for _, step in model.steps:
        if step is None or step == "passthrough" or isinstance(step, SamplerMixin):
            continue
        if is_classifier(step) and (scope.options is None or id(step) not in scope.options):
            scope.add_options(id(step), scope.get_options(model, {"zipmap": True}))
        inputs = _parse_sklearn(scope, step, inputs, custom_parsers=custom_parsers)
    return inputs


def supported_estimators():
    """The skdl estimator classes that :func:`to_onnx` converts.

    Returns
    -------
    classes : list of type
        Sorted by name.
    """
    return sorted([*_SKLEARN_TWINS, *_ENSEMBLE_CONVERTERS, *_NETS], key=lambda c: c.__name__)


def to_onnx(model, X, *, target_opset=None, options=None, **kwargs):
    """Convert a fitted skdl estimator, or a pipeline containing some, to ONNX.

    A thin wrapper of :func:`skl2onnx.to_onnx` that first checks each step is
    fitted and convertible, and names the estimator in skl2onnx's errors.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted. Samplers of an imbalanced-learn pipeline are left out.
    X : ndarray of shape (n_samples, n_features)
        A sample of the input (one row suffices); its dtype fixes the graph's
        input type (float32 or float64).
    target_opset : int or dict, default=None
        ONNX opset; ``None`` uses skl2onnx's latest supported.
    options : dict, default=None
        skl2onnx's conversion options, e.g. ``{"zipmap": False}`` to get the
        probabilities as a matrix rather than a list of dictionaries.
    **kwargs
        Passed to :func:`skl2onnx.to_onnx`.

    Returns
    -------
    onnx_model : onnx.ModelProto

    Raises
    ------
    NotFittedError
        If an estimator is not fitted.
    NotImplementedError
        If an estimator or option has no ONNX converter (e.g. a callable kernel).

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.linear_model import LogisticRegression
    >>> from skdl.onnx import to_onnx
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]], dtype=np.float32)
    >>> clf = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
    >>> [o.name for o in onx.graph.output]
    ['label', 'probabilities']
    """
    for step in _steps(model):
        if type(step) in supported_estimators():
            _check_convertible(step)
    try:
        return _skl2onnx_to_onnx(model, X, target_opset=target_opset, options=options, **kwargs)
    except (RuntimeError, ValueError) as exc:
        raise type(exc)(f"converting {type(model).__name__} to ONNX: {exc}") from exc


def _steps(model):
    yield model
    for attr in ("steps", "transformers"):
        for item in getattr(model, attr, ()):
            yield from _steps(item[1])


# Neural networks: torch.onnx.export of the fitted module.


class _NetForInference(torch.nn.Module):
    """The fitted module with ``predict``'s steps around it: reshape, softmax, labels."""

    def __init__(self, module, input_shape, classes):
        super().__init__()
        self.module = module
        self.input_shape = input_shape
        self.register_buffer("classes", torch.as_tensor(classes, dtype=torch.int64))

    def forward(self, X):
        if self.input_shape is not None:
            X = X.reshape(-1, *self.input_shape)
        proba = torch.softmax(self.module(X), dim=1)
        return self.classes[torch.argmax(proba, dim=1)], proba


def export_net(net, *, opset=17):
    """Export a fitted :class:`~skdl.nn.MLPClassifier` or :class:`~skdl.nn.CNNClassifier`.

    The graph takes float32 rows of shape ``(n_samples, n_features)`` (a CNN's
    rows are reshaped to ``input_shape_`` in the graph) and has the outputs
    ``label`` (as ``predict``) and ``probabilities`` (as ``predict_proba``,
    in float32).

    Parameters
    ----------
    net : MLPClassifier or CNNClassifier
        Fitted, with numeric class labels.
    opset : int, default=17
        ONNX opset of the exported graph.

    Returns
    -------
    onnx_model : onnx.ModelProto

    Raises
    ------
    NotFittedError
        If ``net`` is not fitted.
    NotImplementedError
        If the class labels are not numbers.
    """
    import copy
    import io

    import onnx

    check_is_fitted(net)
    classes = np.asarray(net.classes_)
    if classes.dtype.kind not in "iub":
        raise _unsupported(net, f"class labels of dtype {classes.dtype}", "integer class labels")
    input_shape = getattr(net, "input_shape_", None)
    n_features = int(np.prod(input_shape)) if input_shape is not None else net.n_features_in_
    module = copy.deepcopy(net.module_).cpu().eval()
    wrapper = _NetForInference(module, input_shape, classes).eval()
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter, deprecated by torch, needs no onnxscript
        # (which the torch.export-based one does, and skdl does not install).
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            wrapper,
            (torch.zeros(1, n_features),),
            buffer,
            dynamo=False,
            opset_version=opset,
            input_names=["X"],
            output_names=["label", "probabilities"],
            dynamic_axes={"X": {0: "N"}, "label": {0: "N"}, "probabilities": {0: "N"}},
        )
    return onnx.load_from_string(buffer.getvalue())


def convert_net(scope, operator, container):
    """A fitted net as a pipeline step: :func:`export_net`'s graph, renamed into the pipeline's."""
    from onnx import helper, numpy_helper

    net = operator.raw_operator
    opset = min(container.target_opset, _NET_MAX_OPSET)
    graph = export_net(net, opset=opset).graph
    renamed = {"X": operator.inputs[0].full_name}
    renamed.update({out.name: var.full_name for out, var in zip(graph.output, operator.outputs)})

    def name_of(original):
        if original == "":
            return ""
        if original not in renamed:
            renamed[original] = scope.get_unique_variable_name(f"net_{original}")
        return renamed[original]

    for tensor in graph.initializer:
        value = numpy_helper.to_array(tensor)
        container.add_initializer(name_of(tensor.name), tensor.data_type, list(value.shape), value.ravel().tolist())
    for node in graph.node:
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        container.add_node(
            node.op_type,
            [name_of(n) for n in node.input],
            [name_of(n) for n in node.output],
            op_domain=node.domain,
            op_version=opset,
            name=scope.get_unique_operator_name(f"net_{node.op_type}"),
            **attributes,
        )


_register_twins()
_register_ensembles()
update_registered_parser(ImbalancedPipeline, _parse_imbalanced_pipeline)
for _net_class in _NETS:
    update_registered_converter(
        _net_class,
        "Skdl" + _net_class.__name__,
        calculate_linear_classifier_output_shapes,
        convert_net,
        parser=_parse_sklearn_classifier,
        options=_CLASSIFIER_OPTIONS,
    )
