"""Global configuration: set_config, get_config, config_context."""

import threading

import pytest

import skdl


def test_defaults_and_set_config():
    assert skdl.get_config() == {"device": "auto"}
    skdl.set_config(device="cpu")
    try:
        assert skdl.get_config()["device"] == "cpu"
        skdl.set_config()  # None leaves the value unchanged
        assert skdl.get_config()["device"] == "cpu"
    finally:
        skdl.set_config(device="auto")


def test_config_context_restores_even_after_an_error():
    with pytest.raises(RuntimeError):
        with skdl.config_context(device="cpu"):
            assert skdl.get_config()["device"] == "cpu"
            raise RuntimeError
    assert skdl.get_config()["device"] == "auto"


def test_bad_device_is_rejected_at_once():
    with pytest.raises(ValueError, match="device must be"):
        skdl.set_config(device="tpu")
    assert skdl.get_config()["device"] == "auto"


def test_cuda_can_be_configured_on_a_machine_without_it():
    # Availability is checked when an estimator resolves the device, not here.
    with skdl.config_context(device="cuda:0"):
        assert skdl.get_config()["device"] == "cuda:0"


def test_configuration_is_thread_local():
    seen = {}

    def other_thread():
        seen["device"] = skdl.get_config()["device"]

    with skdl.config_context(device="cpu"):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert seen["device"] == "auto"


def test_get_config_returns_a_copy():
    skdl.get_config()["device"] = "cpu"
    assert skdl.get_config()["device"] == "auto"
