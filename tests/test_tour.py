"""The tour behind python -m skdl."""

import subprocess
import sys

import pytest
import torch

from skdl.__main__ import main
from skdl._tour import format_table, tour_cases
from skdl.utils import all_estimators


def test_every_estimator_has_a_tour_case():
    covered = {case.estimator for case in tour_cases()}
    missing = sorted({name for name, _ in all_estimators()} - covered)
    assert not missing, f"estimators missing from the tour: {missing}"


def test_quick_tour_prints_the_table(capsys):
    assert main(["--quick", "--device", "cpu", "--estimator", "KMeans"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("estimator"))
    for column in ["dataset", "best params", "CV score", "test score", "peer test score",
                   "fit time (s)", "peer fit time (s)", "device"]:
        assert column in header
    row = next(line for line in out.splitlines() if line.startswith("KMeans"))
    assert "digits" in row and "cpu" in row


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message without CUDA")
def test_unavailable_device_exits_with_a_message():
    result = subprocess.run(
        [sys.executable, "-m", "skdl", "--quick", "--device", "cuda"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "CUDA is not available" in result.stderr
    assert "Traceback" not in result.stderr


def test_format_table_aligns_columns():
    row = {"estimator": "E", "dataset": "d", "best_params": "a=1", "cv_score": 0.5,
           "test_score": 0.25, "peer_score": 0.125, "fit_time": 1.0, "peer_fit_time": 2.0,
           "search_time": 3.0, "device": "cpu"}
    lines = format_table([row]).splitlines()
    assert len(lines) == 3 and len({len(line.rstrip()) for line in lines[:2]}) == 1
    assert "0.5000" in lines[2] and "0.1250" in lines[2]
