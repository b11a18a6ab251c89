"""The nn tests call torch modules directly too: run torch on one thread, as
the estimators do by default (n_jobs=None), so that two pytest workers on two
cores do not oversubscribe them."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
