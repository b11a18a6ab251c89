"""skdl: scikit-learn estimators whose heavy compute runs on PyTorch (CPU or CUDA)."""

from ._config import config_context, get_config, set_config

__version__ = "0.1.0.dev0"

__all__ = ["__version__", "config_context", "get_config", "set_config"]
