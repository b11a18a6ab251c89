"""Global configuration for skdl, modelled on ``sklearn/_config.py``.

The configuration is thread-local: a ``config_context`` in one thread does not
change what another thread sees.
"""

import threading
from contextlib import contextmanager

_global_config = {"device": "auto"}
_threadlocal = threading.local()


def _get_threadlocal_config():
    """Return this thread's configuration dict, copying the global one first."""
    if not hasattr(_threadlocal, "global_config"):
        _threadlocal.global_config = _global_config.copy()
    return _threadlocal.global_config


def get_config():
    """Return the current skdl configuration.

    Returns
    -------
    config : dict
        Keys are the parameter names of :func:`set_config`.

    See Also
    --------
    set_config : Set the global configuration.
    config_context : Change the configuration inside a ``with`` block.

    Examples
    --------
    >>> import skdl
    >>> skdl.get_config()["device"]
    'auto'
    """
    return _get_threadlocal_config().copy()


def set_config(device=None):
    """Set the global skdl configuration.

    Parameters
    ----------
    device : str or torch.device, default=None
        The device used by estimators whose own ``device`` parameter is
        ``None``: ``"auto"`` (CUDA when available, else the CPU), ``"cpu"``,
        ``"cuda"``, ``"cuda:<index>"`` or a :class:`torch.device`. ``None``
        leaves the setting unchanged.

    See Also
    --------
    get_config : Read the current configuration.
    config_context : Change the configuration inside a ``with`` block.

    Examples
    --------
    >>> import skdl
    >>> skdl.set_config(device="cpu")
    >>> skdl.get_config()["device"]
    'cpu'
    >>> skdl.set_config(device="auto")
    """
    from ._device import check_device_spec

    local_config = _get_threadlocal_config()
    if device is not None:
        local_config["device"] = check_device_spec(device)


@contextmanager
def config_context(*, device=None):
    """Temporarily change the skdl configuration inside a ``with`` block.

    Parameters
    ----------
    device : str or torch.device, default=None
        See :func:`set_config`. ``None`` keeps the current value.

    Yields
    ------
    None

    See Also
    --------
    set_config : Set the global configuration.
    get_config : Read the current configuration.

    Examples
    --------
    >>> import skdl
    >>> with skdl.config_context(device="cpu"):
    ...     skdl.get_config()["device"]
    'cpu'
    """
    old_config = get_config()
    set_config(device=device)
    try:
        yield
    finally:
        set_config(**old_config)
