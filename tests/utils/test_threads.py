"""Thread settings are changed inside the blocks and always restored."""

import threading

import torch
from threadpoolctl import threadpool_info

from skdl.utils._threads import one_torch_thread, single_threaded_blas, torch_threads


def _blas_threads():
    return sorted((info["filepath"], info["num_threads"]) for info in threadpool_info() if info["user_api"] == "blas")


def test_overlapping_blas_limits_restore_the_original_when_the_last_ends():
    with single_threaded_blas():  # loads SciPy's BLAS, so it is seen below
        pass
    original = _blas_threads()
    first, second = single_threaded_blas(), single_threaded_blas()
    first.__enter__()
    second.__enter__()
    assert all(n == 1 for _, n in _blas_threads())
    first.__exit__(None, None, None)  # out of order: the other block still runs
    assert all(n == 1 for _, n in _blas_threads())
    second.__exit__(None, None, None)
    assert _blas_threads() == original


def test_one_torch_thread_is_per_calling_thread_and_restored():
    before = torch.get_num_threads()
    seen = {}

    def worker():
        with one_torch_thread(torch.device("cpu")):
            seen["inside"] = torch.get_num_threads()
        seen["after"] = torch.get_num_threads()

    with one_torch_thread(torch.device("cpu")):
        assert torch.get_num_threads() == 1
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["inside"] == 1
    assert torch.get_num_threads() == before


def test_torch_threads_sets_the_count_on_the_cpu_and_restores_it():
    before = torch.get_num_threads()
    with torch_threads(torch.device("cpu"), 2):
        assert torch.get_num_threads() == 2
    assert torch.get_num_threads() == before
    with torch_threads(torch.device("cuda"), 2):  # a GPU device: nothing changes
        assert torch.get_num_threads() == before
