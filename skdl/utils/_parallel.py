"""joblib parallelism that carries the configuration into the workers.

scikit-learn's ``Parallel`` and ``delayed`` carry scikit-learn's configuration
(``working_memory``, which sets skdl's chunk sizes, among others) into each
job; ``delayed`` here also carries skdl's (the default ``device``), so a job
run in another thread or process sees what its caller saw.
"""

import functools

from sklearn.utils.parallel import Parallel
from sklearn.utils.parallel import delayed as _sklearn_delayed

from .._config import config_context, get_config

__all__ = ["Parallel", "delayed"]


def delayed(function):
    """Like :func:`sklearn.utils.parallel.delayed`, also carrying skdl's configuration.

    Parameters
    ----------
    function : callable

    Returns
    -------
    delayed_function : callable
        For use inside :class:`sklearn.utils.parallel.Parallel`.
    """
    config = get_config()

    @functools.wraps(function)
    def with_config(*args, **kwargs):
        with config_context(**config):
            return function(*args, **kwargs)

    return _sklearn_delayed(with_config)
