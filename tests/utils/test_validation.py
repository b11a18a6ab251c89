"""The image-shape helpers of skdl.utils._validation, shared by nn and inspection."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skdl.inspection._net import as_images
from skdl.utils._validation import check_image_shape, rows_as_images


@pytest.mark.parametrize(
    "shape, allow_2d, expected",
    [
        ((3, 8, 6), False, (3, 8, 6)),
        ([1, 4, 4], False, (1, 4, 4)),
        ((np.int64(2), 5, 5), False, (2, 5, 5)),
        ((8, 6), True, (1, 8, 6)),
        ((3, 8, 6), True, (3, 8, 6)),
    ],
)
def test_check_image_shape(shape, allow_2d, expected):
    result = check_image_shape(shape, "input_shape", allow_2d=allow_2d)
    assert result == expected
    assert all(type(s) is int for s in result)


@pytest.mark.parametrize(
    "shape, allow_2d, match",
    [
        ((8, 8), False, r"input_shape must be 3 positive integers \(C, H, W\); got \(8, 8\)"),
        ((1, 0, 8), False, "input_shape must be 3 positive integers"),
        ((1, 8.0, 8), False, "input_shape must be 3 positive integers"),
        ((8,), True, r"input_shape must be 2 or 3 positive integers \(\(H, W\) or \(C, H, W\)\)"),
        ((1, 1, 8, 8), True, "input_shape must be 2 or 3 positive integers"),
    ],
)
def test_check_image_shape_rejects(shape, allow_2d, match):
    with pytest.raises(ValueError, match=match):
        check_image_shape(shape, "input_shape", allow_2d=allow_2d)


def test_rows_as_images_is_a_view_in_row_major_order():
    rows = np.arange(2 * 12, dtype=np.float32).reshape(2, 12)
    images = rows_as_images(rows, (3, 2, 2), "input_shape")
    assert images.shape == (2, 3, 2, 2)
    assert np.shares_memory(images, rows)
    assert_array_equal(images[1, 2], [[20, 21], [22, 23]])


def test_rows_as_images_names_the_parameter():
    with pytest.raises(
        ValueError,
        match=r"X has 12 features per row, which can not be reshaped to "
        r"image_shape=\(1, 3, 3\) \(9 values per image\)\.",
    ):
        rows_as_images(np.zeros((2, 12)), (1, 3, 3), "image_shape")


def test_cnn_and_inspection_read_flat_rows_alike():
    """CNNClassifier (input_shape) and the inspection tools (image_shape) give the same images."""
    from skdl.nn import CNNClassifier

    rows = np.random.RandomState(0).normal(size=(6, 2 * 3 * 4)).astype(np.float32)
    y = np.arange(6) % 2
    cnn = CNNClassifier(input_shape=(2, 3, 4))
    cnn_images, _ = cnn._check_X(rows, y, reset=True)
    inspection_images, to_input = as_images(rows, (2, 3, 4))
    assert_array_equal(cnn_images, inspection_images)
    assert_array_equal(to_input(inspection_images), rows)
