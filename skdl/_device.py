"""The device layer: the one place where skdl meets ``torch.device``.

Every estimator resolves its ``device`` parameter with :func:`resolve_device`,
moves validated NumPy arrays to tensors with :func:`to_tensor` and brings
results back with :func:`to_numpy`. Fitted attributes are NumPy arrays, so a
model fitted on a GPU pickles and predicts on a machine without one.

dtype rule: float32 input is computed in float32, everything else in float64.
"""

import warnings

import numpy as np
import torch

from ._config import get_config
from .utils._sklearn_compat import get_chunk_n_rows

_VALID_DEVICES = '"auto", "cpu", "cuda", "cuda:<index>" or a torch.device'

# The ``device`` entry of every estimator's ``_parameter_constraints``: None
# (the global default of :func:`skdl.set_config`), a string or a
# torch.device. The form of the string is checked by :func:`check_device_spec`
# and its availability by :func:`resolve_device`, at fit time.
DEVICE_CONSTRAINT = [None, str, torch.device]


def check_device_spec(device):
    """Check that ``device`` is a well-formed device specification.

    Availability is not checked here (see :func:`resolve_device`), so a
    configuration naming ``"cuda"`` can be written on a machine without one.

    Parameters
    ----------
    device : str or torch.device
        The specification.

    Returns
    -------
    device : str or torch.device
        The specification, unchanged.

    Raises
    ------
    ValueError
        If ``device`` is not one of the accepted forms.
    """
    if isinstance(device, torch.device):
        parsed = device
    elif isinstance(device, str):
        if device == "auto":
            return device
        try:
            parsed = torch.device(device)
        except (RuntimeError, ValueError):
            parsed = None
    else:
        parsed = None
    if parsed is None or parsed.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be {_VALID_DEVICES}; got {device!r}.")
    return device


def resolve_device(device=None, *, fallback_to_cpu=False):
    """Turn a device specification into a :class:`torch.device`.

    Parameters
    ----------
    device : str, torch.device or None, default=None
        ``None`` takes the global default from :func:`skdl.get_config`.
        ``"auto"`` is CUDA when available, else the CPU.
    fallback_to_cpu : bool, default=False
        If True, a CUDA device that is not available resolves to the CPU with
        a warning instead of an error. Prediction uses this, so a model fitted
        on a GPU predicts on a machine without one.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        If the specification is malformed, or names a CUDA device that is not
        available and ``fallback_to_cpu`` is False.
    """
    if device is None:
        device = get_config()["device"]
    check_device_spec(device)
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(device)
    if device.type == "cpu":
        return torch.device("cpu")
    problem = _cuda_problem(device)
    if problem is None:
        return device
    if fallback_to_cpu:
        warnings.warn(f"{problem}; computing on the CPU instead.", UserWarning)
        return torch.device("cpu")
    raise ValueError(f"{problem}. Use device='auto' or device='cpu'.")


def _cuda_problem(device):
    """Say why ``device`` (a CUDA device) cannot be used, or return None."""
    if not torch.cuda.is_available():
        return f"device={str(device)!r} was requested but CUDA is not available"
    index = 0 if device.index is None else device.index
    n_devices = torch.cuda.device_count()
    if index >= n_devices:
        existing = ", ".join(f"'cuda:{i}' ({torch.cuda.get_device_name(i)})" for i in range(n_devices))
        return f"device={str(device)!r} was requested but this machine has {n_devices} CUDA device(s): {existing}"
    return None


def compute_dtype(array):
    """Return the NumPy dtype skdl computes in for ``array``.

    Parameters
    ----------
    array : ndarray

    Returns
    -------
    dtype : {np.float32, np.float64}
        float32 for float32 input, float64 for everything else.
    """
    return np.float32 if array.dtype == np.float32 else np.float64


def to_tensor(array, device, dtype=None):
    """Move a validated NumPy array to a tensor on ``device``.

    On the CPU the tensor shares memory with ``array`` when the dtype already
    matches, so kernels must never write into their inputs.

    Parameters
    ----------
    array : array-like
        Already validated data.
    device : torch.device
        Where the tensor lives.
    dtype : numpy dtype, default=None
        The dtype of the tensor. ``None`` applies the dtype rule of
        :func:`compute_dtype`.

    Returns
    -------
    tensor : torch.Tensor
    """
    array = np.asarray(array)
    if dtype is None:
        dtype = compute_dtype(array)
    array = np.ascontiguousarray(array, dtype=dtype)
    if array.flags.writeable:
        tensor = torch.from_numpy(array)
    else:
        # (entering catch_warnings costs more than a one-row predict: only here)
        with warnings.catch_warnings():
            # Read-only inputs (e.g. memory maps) are fine: nothing writes to them.
            warnings.filterwarnings("ignore", message="The given NumPy array is not writ")
            tensor = torch.from_numpy(array)
    return tensor if tensor.device == device else tensor.to(device)


def index_tensor(array, device):
    """Move an array of integer indices to an int64 tensor on ``device``.

    Parameters
    ----------
    array : array-like of int
    device : torch.device

    Returns
    -------
    tensor : torch.Tensor of dtype int64
    """
    return torch.as_tensor(np.asarray(array, dtype=np.int64), device=device)


def to_numpy(tensor):
    """Bring a tensor back as a NumPy array (on the host).

    Parameters
    ----------
    tensor : torch.Tensor

    Returns
    -------
    array : ndarray
    """
    return tensor.detach().cpu().numpy()


def chunk_size(bytes_per_row, n_rows):
    """Number of rows per chunk so a chunk's temporaries fit the memory budget.

    The budget is scikit-learn's ``working_memory`` setting (MiB), so
    ``sklearn.config_context(working_memory=...)`` controls skdl too.

    Parameters
    ----------
    bytes_per_row : int
        Bytes of temporaries one row needs.
    n_rows : int
        Total number of rows; the result never exceeds it.

    Returns
    -------
    n_chunk_rows : int
        At least 1.
    """
    return max(1, get_chunk_n_rows(row_bytes=bytes_per_row, max_n_rows=max(n_rows, 1)))


def torch_generator(random_state, device):
    """A :class:`torch.Generator` on ``device`` seeded from a NumPy generator.

    Parameters
    ----------
    random_state : numpy.random.RandomState
        Already checked with ``check_random_state``.
    device : torch.device

    Returns
    -------
    generator : torch.Generator
    """
    generator = torch.Generator(device=device)
    generator.manual_seed(int(random_state.randint(np.iinfo(np.int32).max)))
    return generator
