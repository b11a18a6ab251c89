"""occlusion_sensitivity: its definition, and that it finds the informative region."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import config_context
from sklearn.exceptions import NotFittedError

from skdl.inspection import occlusion_sensitivity


def test_occluding_the_informative_region_lowers_probability_most(cnn, images, signal_region):
    X, y = images
    maps = occlusion_sensitivity(cnn, X, y, patch=3, stride=1)
    assert maps.shape == (len(X), 8, 8)
    positives = maps[y == 1]
    mean_map = positives.mean(axis=0)
    inside = signal_region
    # the most sensitive pixel lies in the informative region, for the mean map
    # and for (nearly) every class-1 image
    assert inside[np.unravel_index(mean_map.argmax(), mean_map.shape)]
    hits = [inside[np.unravel_index(m.argmax(), m.shape)] for m in positives]
    assert np.mean(hits) >= 0.9
    assert mean_map[inside].mean() > 5 * abs(mean_map[~inside]).mean()
    # a patch that does not touch the region barely changes the probability
    assert abs(mean_map[6:, 6:]).max() < 0.05


def test_definition_single_pixel_patches(cnn, images):
    X, y = images
    X, y = X[:4], y[:4]
    fill = 0.25
    maps = occlusion_sensitivity(cnn, X, y, patch=1, stride=1, fill=fill)
    base = cnn.predict_proba(X)[np.arange(4), y]
    for r, c in [(0, 0), (2, 3), (7, 7)]:
        occluded = X.copy()
        occluded[:, :, r, c] = fill
        expected = base - cnn.predict_proba(occluded)[np.arange(4), y]
        assert_allclose(maps[:, r, c], expected, rtol=1e-5, atol=1e-6)


def test_definition_patch_as_large_as_the_image(cnn, images):
    X, y = images
    X, y = X[:6], y[:6]
    maps = occlusion_sensitivity(cnn, X, y, patch=8)
    grey = np.full_like(X, X.mean())  # fill="mean": the mean of X in each channel
    expected = cnn.predict_proba(X)[np.arange(6), y] - cnn.predict_proba(grey)[np.arange(6), y]
    for i in range(6):
        assert_allclose(maps[i], expected[i], rtol=1e-5, atol=1e-6)


def test_overlapping_patches_are_averaged(cnn, images):
    # full-width bands two rows high, one row apart: row r is covered by the
    # bands starting at r - 1 and r (one band at the top and bottom edges)
    X, y = images
    X, y = X[:3], y[:3]
    maps = occlusion_sensitivity(cnn, X, y, patch=(2, 8), stride=1, fill=0.0)
    base = cnn.predict_proba(X)[np.arange(3), y]
    drops = []
    for start in range(7):
        occluded = X.copy()
        occluded[:, :, start : start + 2, :] = 0.0
        drops.append(base - cnn.predict_proba(occluded)[np.arange(3), y])
    drops = np.array(drops)
    assert_allclose(maps[:, 0, 0], drops[0], rtol=1e-5, atol=1e-6)
    assert_allclose(maps[:, 7, 5], drops[6], rtol=1e-5, atol=1e-6)
    for row in range(1, 7):
        expected = drops[row - 1 : row + 1].mean(axis=0)
        assert_allclose(maps[:, row, 3], expected, rtol=1e-5, atol=1e-6)


def test_last_position_touches_the_far_edge(cnn, images):
    X, y = images
    maps = occlusion_sensitivity(cnn, X[:2], y[:2], patch=3, stride=3, fill=0.0)
    assert np.isfinite(maps).all()  # columns and rows 6-7 covered by the edge patch
    base = cnn.predict_proba(X[:2])[np.arange(2), y[:2]]
    occluded = X[:2].copy()
    occluded[:, :, 5:8, 5:8] = 0.0
    drop = base - cnn.predict_proba(occluded)[np.arange(2), y[:2]]
    assert_allclose(maps[:, 7, 7], drop, rtol=1e-5, atol=1e-6)


def test_layouts_agree(shaped_cnn, images):
    X, y = images
    X, y = X[:20], y[:20]
    from_images = occlusion_sensitivity(shaped_cnn, X, y, patch=2, stride=2)
    from_flat = occlusion_sensitivity(shaped_cnn, X.reshape(20, -1), y, patch=2, stride=2)
    from_3d = occlusion_sensitivity(shaped_cnn, X[:, 0], y, patch=2, stride=2)
    assert_allclose(from_flat, from_images)
    assert_allclose(from_3d, from_images)


def test_flat_rows_of_a_net_without_input_shape(cnn, images):
    X, y = images
    flat = X[:10].reshape(10, -1)
    square = occlusion_sensitivity(cnn, flat, y[:10], patch=2)  # 64 = 8x8 assumed
    explicit = occlusion_sensitivity(cnn, flat, y[:10], patch=2, image_shape=(8, 8))
    assert_allclose(square, explicit)
    assert_allclose(square, occlusion_sensitivity(cnn, X[:10], y[:10], patch=2))


def test_y_none_uses_the_predicted_class(cnn, images):
    X, _ = images
    predicted = cnn.predict(X[:10])
    assert_allclose(
        occlusion_sensitivity(cnn, X[:10], patch=3),
        occlusion_sensitivity(cnn, X[:10], predicted, patch=3),
    )


def test_memory_chunks_give_the_same_maps(cnn, images):
    X, y = images
    full = occlusion_sensitivity(cnn, X[:12], y[:12], patch=3, stride=2)
    with config_context(working_memory=0.01):  # a few images per chunk
        chunked = occlusion_sensitivity(cnn, X[:12], y[:12], patch=3, stride=2)
    assert_allclose(chunked, full)


def test_default_patch_and_stride(cnn, images):
    X, y = images
    assert_allclose(
        occlusion_sensitivity(cnn, X[:5], y[:5]),
        occlusion_sensitivity(cnn, X[:5], y[:5], patch=2, stride=1),
    )


# -- bad input --------------------------------------------------------------


@pytest.mark.parametrize("patch", [9, (3, 9), (9, 1)])
def test_patch_larger_than_image(cnn, images, patch):
    X, y = images
    with pytest.raises(ValueError, match="larger than the images, which are 8x8"):
        occlusion_sensitivity(cnn, X, y, patch=patch)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(patch=0), r"'patch' parameter .* an int in the range \[1, inf\)"),
        (dict(patch=(2, 2, 2)), r"patch must be a positive int or a pair of them; got \(2, 2, 2\)"),
        (dict(patch=(2, 0)), r"patch must be a positive int or a pair of them; got \(2, 0\)"),
        (dict(stride=0), r"'stride' parameter .* an int in the range \[1, inf\)"),
        (dict(patch=2, stride=3), r"stride=\(3, 3\) must not exceed the patch"),
        (dict(fill="grey"), r"'fill' parameter .* a str among \{'mean'\} or a float"),
        (dict(fill=np.nan), r"'fill' parameter .* Got nan instead"),
        (dict(fill=np.inf), r"'fill' parameter .* Got inf instead"),
        (dict(image_shape=(3, 3)), r"64 features per row, .* image_shape=\(1, 3, 3\)"),
        (dict(image_shape=(0, 8)), r"image_shape must be 2 or 3 positive integers"),
    ],
)
def test_bad_parameters(cnn, images, kwargs, match):
    X, y = images
    X = X.reshape(len(X), -1) if "image_shape" in kwargs else X
    with pytest.raises(ValueError, match=match):
        occlusion_sensitivity(cnn, X, y, **kwargs)


def test_unknown_labels(cnn, images):
    X, y = images
    with pytest.raises(ValueError, match=r"labels \[5\].*classes are \[0, 1\]"):
        occlusion_sensitivity(cnn, X[:3], [0, 1, 5])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        occlusion_sensitivity(cnn, X[:3], y[:4])


def test_X_that_is_not_images_or_does_not_fit(cnn):
    with pytest.raises(ValueError, match="pass image_shape"):
        occlusion_sensitivity(cnn, np.zeros((4, 10)))
    with pytest.raises(ValueError, match="does not fit the network"):
        occlusion_sensitivity(cnn, np.zeros((4, 1, 6, 6)), patch=2)
    with pytest.raises(ValueError, match="must hold images"):
        occlusion_sensitivity(cnn, np.zeros((2, 1, 1, 8, 8)))


def test_unfitted(unfitted_cnn, images):
    X, y = images
    with pytest.raises(NotFittedError):
        occlusion_sensitivity(unfitted_cnn, X, y)
