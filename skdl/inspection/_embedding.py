"""A 2-D map of what a hidden layer has learned."""

from numbers import Real

from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from skorch import NeuralNet

from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ._net import check_input, check_layers, check_net, forward_hooked


@validate_params(
    {
        "net": [NeuralNet],
        "X": ["array-like"],
        "layer": [str],
        "method": [StrOptions({"tsne", "pca"})],
        "perplexity": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def hidden_embedding(net, X, layer, *, method="tsne", perplexity=30.0, random_state=None):
    """Embed the activations of a hidden layer in two dimensions.

    Each input's activation of ``layer`` is flattened to a vector, and the
    vectors are mapped to the plane with scikit-learn's
    :class:`~sklearn.manifold.TSNE` (neighbours stay neighbours; distances
    between far-apart groups mean little) or :class:`~sklearn.decomposition.PCA`
    (the two directions of largest variance; linear, fast). If the layer has
    learned features that separate the classes, the classes form separate
    groups in the plane.

    Parameters
    ----------
    net : fitted skorch network
    X : array-like of shape (n_samples, ...)
        Input in the layout the network takes.
    layer : str
        A name from ``net.module_.named_modules()``.
    method : {"tsne", "pca"}, default="tsne"
        The embedding. t-SNE is initialised with PCA (``init="pca"``).
    perplexity : float, default=30.0
        t-SNE's perplexity, which must be smaller than ``n_samples``.
        Ignored by PCA.
    random_state : int, RandomState instance or None, default=None
        Seeds t-SNE (and PCA's randomized solver). Pass an int for the same
        embedding on every call.

    Returns
    -------
    embedding : ndarray of shape (n_samples, 2)

    Raises
    ------
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If ``net`` is not fitted.
    ValueError
        If the layer does not exist, X does not fit the network, or t-SNE's
        ``perplexity`` is not below ``n_samples``.

    See Also
    --------
    plot_embedding : Draw the embedding coloured by class.
    layer_activations : The raw activations.

    Examples
    --------
    >>> import torch
    >>> from sklearn.datasets import load_iris
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import hidden_embedding
    >>> X, y = load_iris(return_X_y=True)
    >>> module = torch.nn.Sequential(
    ...     torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=2, train_split=None, verbose=0)
    >>> net = net.fit(X.astype("float32"), y)
    >>> hidden_embedding(net, X, "1", method="pca", random_state=0).shape
    (150, 2)
    """
    check_net(net)
    (name,) = check_layers(net.module_, layer)
    X = check_input(net, X)
    flat = forward_hooked(net, X, [name], reduce=lambda _, out: out.reshape(len(out), -1))
    activations = flat[name]
    if method == "pca":
        embedder = PCA(n_components=2, random_state=random_state)
    else:
        embedder = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=random_state)
    return embedder.fit_transform(activations)
