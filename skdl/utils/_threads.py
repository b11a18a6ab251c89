"""Thread settings the kernels need, changed and restored safely.

Two settings matter. Kernels that parallelise over chunks themselves (numba
``prange`` loops calling BLAS per chunk) need BLAS held to one thread, which
threadpoolctl changes for the whole process: overlapping fits (e.g. in
threads) share one reference-counted limit, so the original setting comes
back only when the last of them ends. Solvers whose work is a stream of
small or memory-bound tensor operations run faster with torch on one thread;
torch's CPU thread count belongs to the calling thread, so it is saved and
restored per call.
"""

import threading
from contextlib import contextmanager

import torch
from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_blas = {"controller": None, "depth": 0, "limiter": None}


def _controller():
    """The process's thread pools, discovered once (discovery costs ms)."""
    if _blas["controller"] is None:
        # numba's np.dot calls SciPy's BLAS; it must be loaded before discovery,
        # or the controller does not see it and each numba thread's product
        # starts BLAS threads of its own (3x slower here).
        import scipy.linalg.cython_blas  # noqa: F401

        _blas["controller"] = ThreadpoolController()
    return _blas["controller"]


@contextmanager
def single_threaded_blas():
    """Hold every BLAS library to one thread inside the block.

    Nested and concurrent blocks share one limit; the original limits are
    restored when the last block ends.
    """
    with _lock:
        if _blas["depth"] == 0:
            _blas["limiter"] = _controller().limit(limits=1, user_api="blas")
        _blas["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _blas["depth"] -= 1
            if _blas["depth"] == 0:
                _blas["limiter"].restore_original_limits()
                _blas["limiter"] = None


@contextmanager
def torch_threads(device, n_threads):
    """Run torch's CPU kernels on ``n_threads`` threads (of the calling thread) inside the block.

    Nothing changes for a GPU device. The previous count is restored after.

    Parameters
    ----------
    device : torch.device
    n_threads : int
        A positive thread count (``joblib.effective_n_jobs`` turns an
        ``n_jobs`` parameter into one).
    """
    if device.type != "cpu":
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextmanager
def one_torch_thread(device):
    """Run torch's CPU kernels on one thread (of the calling thread) inside the block.

    Nothing changes for a GPU device.

    Parameters
    ----------
    device : torch.device
    """
    with torch_threads(device, 1):
        yield
