"""benchmarks/memory.py runs (a smoke run on small data; no figures asserted)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import memory  # noqa: E402


def test_memory_benchmark_smoke_run(capsys):
    # One estimator, two sizes: each size is a fresh process that imports torch.
    memory.main(["--estimators", "SMOTE", "--sizes", "3000", "6000"])
    out = capsys.readouterr().out
    assert "| estimator | n | X (MiB) | fit peak (MiB) | bytes/sample |" in out
    rows = [line.split("|") for line in out.splitlines() if line.startswith("| SMOTE |")]
    assert [row[2].strip() for row in rows] == ["3,000", "6,000"]
    assert rows[0][6].strip() == "" and rows[1][6].strip() != ""  # marginal from the 2nd size
