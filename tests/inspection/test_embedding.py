"""hidden_embedding: shape, determinism and agreement with scikit-learn on the activations."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.manifold import TSNE

from skdl.inspection import hidden_embedding, layer_activations


def test_tsne_shape_determinism_and_reference(digits_mlp, digits):
    X, _ = digits
    X = X[:80]
    first = hidden_embedding(digits_mlp, X, "1", random_state=0, perplexity=10)
    again = hidden_embedding(digits_mlp, X, "1", random_state=0, perplexity=10)
    assert first.shape == (80, 2)
    assert_allclose(first, again)
    hidden = layer_activations(digits_mlp, X, "1")["1"]
    reference = TSNE(perplexity=10, init="pca", random_state=0).fit_transform(hidden)
    assert_allclose(first, reference, rtol=1e-5, atol=1e-5)


def test_pca_of_flattened_feature_maps(cnn, images):
    X, _ = images
    embedding = hidden_embedding(cnn, X, "pool", method="pca", random_state=0)
    maps = layer_activations(cnn, X, "pool")["pool"].reshape(len(X), -1)
    assert embedding.shape == (len(X), 2)
    assert_allclose(embedding, PCA(2, random_state=0).fit_transform(maps), rtol=1e-4, atol=1e-5)


def test_hidden_layer_separates_the_classes(cnn, images):
    # the learned features of class 0 and class 1 form two groups
    X, y = images
    embedding = hidden_embedding(cnn, X, "flat", method="pca", random_state=0)
    centers = np.array([embedding[y == k].mean(axis=0) for k in (0, 1)])
    spread = np.mean([embedding[y == k].std(axis=0).mean() for k in (0, 1)])
    assert np.linalg.norm(centers[0] - centers[1]) > 2 * spread


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(layer="nope"), ValueError, "Unknown layer"),
        (dict(layer="fc", method="umap"), ValueError, r"'method' parameter .* a str among"),
        (dict(layer="fc", perplexity=500.0), ValueError, r"perplexity \(500.0\) must be less"),
        (dict(layer="fc", perplexity=0.0), ValueError, r"'perplexity' parameter .* \(0.0, inf\)"),
        (dict(layer=None), TypeError, "'layer' parameter .* an instance of 'str'"),
    ],
)
def test_bad_arguments(cnn, images, kwargs, error, match):
    X, _ = images
    with pytest.raises(error, match=match):
        hidden_embedding(cnn, X[:50], **kwargs)


def test_unfitted(unfitted_cnn, images):
    X, _ = images
    with pytest.raises(NotFittedError):
        hidden_embedding(unfitted_cnn, X, "fc")
