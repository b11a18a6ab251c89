"""The device layer: resolution, dtype rule, chunking, generators."""

import warnings

import numpy as np
import pytest
import sklearn
import torch

from skdl import config_context
from skdl._device import (
    check_device_spec,
    chunk_size,
    compute_dtype,
    resolve_device,
    to_numpy,
    to_tensor,
    torch_generator,
)


def test_auto_is_cuda_when_available_else_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device(None).type == expected  # the default configuration is "auto"


@pytest.mark.parametrize("spec", ["cpu", torch.device("cpu")])
def test_cpu_specs(spec):
    assert resolve_device(spec) == torch.device("cpu")


def test_global_default_is_used_when_device_is_none():
    with config_context(device="cpu"):
        assert resolve_device(None) == torch.device("cpu")


@pytest.mark.parametrize("spec", ["tpu", "gpu", "cuda:x", "", 3, torch.device("meta")])
def test_malformed_specs_are_value_errors_listing_the_valid_forms(spec):
    with pytest.raises(ValueError, match=r'"auto", "cpu", "cuda", "cuda:<index>" or a torch.device'):
        resolve_device(spec)
    with pytest.raises(ValueError):
        check_device_spec(spec)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the behaviour without CUDA")
@pytest.mark.parametrize("spec", ["cuda", "cuda:1", torch.device("cuda:0")])
def test_cuda_without_cuda(spec):
    with pytest.raises(ValueError, match="CUDA is not available"):
        resolve_device(spec)
    with pytest.warns(UserWarning, match="computing on the CPU instead"):
        assert resolve_device(spec, fallback_to_cpu=True) == torch.device("cpu")


@pytest.mark.gpu
def test_cuda_index_out_of_range():
    with pytest.raises(ValueError, match="CUDA device"):
        resolve_device(f"cuda:{torch.cuda.device_count()}")


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.float16, np.float64),
        (np.int32, np.float64),
        (np.int64, np.float64),
        (np.bool_, np.float64),
    ],
)
def test_float32_stays_float32_everything_else_becomes_float64(dtype, expected):
    array = np.ones((3, 2), dtype=dtype)
    assert compute_dtype(array) == expected
    tensor = to_tensor(array, torch.device("cpu"))
    assert to_numpy(tensor).dtype == expected


def test_to_tensor_shares_memory_on_cpu_and_accepts_read_only_arrays():
    array = np.arange(6.0).reshape(3, 2)
    tensor = to_tensor(array, torch.device("cpu"))
    assert tensor.data_ptr() == array.ctypes.data
    array.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch's "not writable" warning must not leak
        assert to_tensor(array, torch.device("cpu")).sum().item() == 15.0


def test_chunk_size_follows_sklearn_working_memory():
    with sklearn.config_context(working_memory=1):  # MiB
        assert chunk_size(bytes_per_row=1024, n_rows=10**6) == 1024
    assert chunk_size(bytes_per_row=8, n_rows=10) == 10  # never more than n_rows
    with sklearn.config_context(working_memory=1):
        with pytest.warns(UserWarning, match="Could not adhere to working_memory"):
            assert chunk_size(bytes_per_row=10**9, n_rows=100) == 1  # at least one row


def test_torch_generator_is_seeded_from_the_random_state():
    first = torch.rand(3, generator=torch_generator(np.random.RandomState(0), torch.device("cpu")))
    again = torch.rand(3, generator=torch_generator(np.random.RandomState(0), torch.device("cpu")))
    other = torch.rand(3, generator=torch_generator(np.random.RandomState(1), torch.device("cpu")))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
