"""The tour behind python -m skdl."""

import json
import subprocess
import sys

import pytest
import torch

from skdl import _tour
from skdl.__main__ import main
from skdl._tour import TABLE_WIDTH, format_legend, format_table, peer_name, select_cases, tour_cases
from skdl.utils import all_estimators

# The fastest case (a tree on diabetes, well under a second).
FAST = "DecisionTreeRegressor"


def test_every_estimator_has_a_tour_case():
    covered = {case.estimator for case in tour_cases()}
    missing = sorted({name for name, _ in all_estimators()} - covered)
    assert not missing, f"estimators missing from the tour: {missing}"


def test_quick_tour_prints_table_legend_and_progress(capsys):
    assert main(["--quick", "--device", "cpu", "--estimator", FAST.lower()]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    header = next(line for line in lines if line.startswith("estimator"))
    assert header.split() == ["estimator", "dataset", "metric", "CV", "test", "peer", "fit", "s", "peer", "s", "search"]
    row = next(line for line in lines if line.startswith(FAST))
    assert row.split()[1:3] == ["diabetes", "R2"]
    assert "device: cpu" in lines
    assert f"{FAST}: peer sklearn.tree.DecisionTreeRegressor; best max_depth=" in captured.out
    assert "R2 = coefficient of determination" in captured.out
    assert max(len(line) for line in lines) <= TABLE_WIDTH
    # progress goes to stderr, one line per estimator
    assert f"[1/1] {FAST} on diabetes ..." in captured.err


def test_json_output_parses(capsys):
    assert main(["--quick", "--device", "cpu", "--estimator", FAST, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["estimator"] for row in rows] == [FAST]
    assert rows[0]["metric"] == "r2" and rows[0]["device"] == "cpu"
    assert rows[0]["peer"] == "sklearn.tree.DecisionTreeRegressor"
    assert {"cv_score", "test_score", "peer_score", "fit_time", "peer_fit_time", "search_time"} <= set(rows[0])


@pytest.mark.parametrize(
    "names, message",
    [
        (["nosuch"], "'nosuch' is not an estimator of the tour. Valid names: KMeans, "),
        ([""], "needs a name; got an empty one. Valid names: KMeans, "),
        (["SVC", "svc"], "--estimator SVC is given twice"),
    ],
)
def test_bad_estimator_names_exit_with_a_message(names, message, capsys):
    argv = [arg for name in names for arg in ("--estimator", name)]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_name_lists_every_estimator():
    with pytest.raises(ValueError) as error:
        select_cases(["nosuch"])
    for name, _ in all_estimators():
        assert name in str(error.value)


def test_names_match_case_insensitively_in_tour_order():
    assert [case.estimator for case in select_cases(["svc", "KMEANS"])] == ["KMeans", "SVC"]


def test_help_lists_the_estimator_names(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for name, _ in all_estimators():
        assert name in help_text


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message without CUDA")
def test_unavailable_device_exits_with_a_message():
    result = subprocess.run(
        [sys.executable, "-m", "skdl", "--quick", "--device", "cuda"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "CUDA is not available" in result.stderr
    assert "Traceback" not in result.stderr


def _widest_rows():
    """One row per case with the widest values the table can meet."""
    return [
        {
            "estimator": case.estimator,
            "dataset": case.dataset,
            "metric": case.scoring,
            "peer": peer_name(case),
            "peer_note": case.peer_note,
            "best_params": "n_estimators=100, learning_rate=0.5",
            "cv_score": -0.1234,
            "test_score": -0.9999,
            "peer_score": -0.125,
            "fit_time": 99.99,
            "peer_fit_time": 99.99,
            "search_time": 999.9,
            "device": "cuda:0",
        }
        for case in tour_cases()
    ]


def test_table_and_legend_fit_in_the_width():
    rows = _widest_rows()
    table = format_table(rows).splitlines()
    assert len(table) == len(rows) + 2
    assert max(len(line) for line in table) <= TABLE_WIDTH
    assert max(len(line) for line in format_legend(rows).splitlines()) <= TABLE_WIDTH
    # every row names its metric in the table and its peer in the legend
    legend = format_legend(rows)
    for row, line in zip(rows, table[2:]):
        assert line.startswith(row["estimator"])
        assert f"{row['estimator']}: peer {row['peer']}" in legend


def test_peer_is_the_step_that_differs():
    by_name = {case.estimator: case for case in tour_cases()}
    assert peer_name(by_name["SMOTE"]) == "imblearn.over_sampling.SMOTE"
    assert peer_name(by_name["CNNClassifier"]) == "sklearn.neural_network.MLPClassifier"
    assert "has no BalanceCascade" in by_name["BalanceCascadeClassifier"].peer_note


def test_first_run_notice_when_numba_has_no_cache(monkeypatch):
    monkeypatch.setattr(_tour, "numba_cache_is_empty", lambda: True)
    monkeypatch.setattr(_tour, "tour_cases", lambda: [])
    messages = []
    _tour.run_tour(device="cpu", out=None, progress=lambda text, end="\n": messages.append(text))
    assert len(messages) == 1 and "numba compiles" in messages[0] and "cached" in messages[0]


def test_numba_cache_is_found_in_numba_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(_tour, "__file__", str(tmp_path / "pkg" / "_tour.py"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / "cache"))
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cache"))
    assert _tour.numba_cache_is_empty()
    (tmp_path / "cache" / "skdl").mkdir(parents=True)
    (tmp_path / "cache" / "skdl" / "kernel-1.py311.nbi").write_bytes(b"")
    assert not _tour.numba_cache_is_empty()
