"""Peak memory of skdl's fits as the number of samples grows.

skdl computes pairwise quantities (distances, neighbours) in chunks sized from
scikit-learn's ``working_memory`` budget, so the memory a fit needs on top of
its input should grow linearly with ``n_samples`` (a fixed number of bytes per
sample), never quadratically. This script shows it: each (estimator, n) runs in
a fresh Python process, which

1. imports everything, builds the data (float64, 10 features) and fits once
   on 2,000 rows (so numba's compilation and torch's lazy set-up, one-off
   costs, are not counted),
2. reads its resident memory (the baseline: interpreter, torch, the data),
3. fits, then reads its peak resident memory (``getrusage(RUSAGE_SELF)``).

``fit peak`` is the peak minus the baseline: what the fit itself allocated at
its worst moment, torch's allocator included (``tracemalloc`` does not see
it). ``bytes/sample`` is that divided by ``n``, and ``marginal bytes/sample``
the growth of the fit peak from the previous size divided by the growth of
``n`` (it leaves out the fixed overhead); a flat column means linear growth,
quadratic growth would multiply it by 10 at each step. For reference, ``X``
itself takes 80 bytes per sample. With ``--device cuda`` the GPU's peak
(``torch.cuda.max_memory_allocated``) is reported too.

Usage::

    python benchmarks/memory.py                        # n = 1e4, 1e5, 1e6
    python benchmarks/memory.py --sizes 10000 100000   # quicker
    python benchmarks/memory.py --device cuda
"""

import argparse
import json
import subprocess
import sys
import time

N_FEATURES = 10

# Runs in the child process; prints one JSON line.
_CHILD = r"""
import json, resource, sys, time, warnings
import numpy as np
import torch
from skdl.cluster import KMeans
from skdl.over_sampling import SMOTE
from skdl.svm import SVC

name, n, d, device = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(0)
X = rng.standard_normal((n, d))
if name == "KMeans":
    y = None
    for label in range(8):  # shift each eighth of the rows: eight blobs, no n x d temporary
        X[label::8] += 4.0 * label
    estimator = KMeans(n_clusters=8, n_init=1, max_iter=20, random_state=0, device=device)
    fit = lambda X: estimator.fit(X)
elif name == "SVC":
    # Two noisy classes; max_iter bounds the time at 1e6 samples (the memory,
    # the data plus a cache of at most cache_size=200 MB, does not depend on it).
    y = (X[:, 0] + X[:, 1] + rng.standard_normal(n) > 0).astype(np.int64)
    estimator = SVC(max_iter=1000, device=device)
    def fit(X, y=y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the ConvergenceWarning of max_iter
            return estimator.fit(X, y[: len(X)])
else:
    y = (np.arange(n) % 10 == 0).astype(np.int64)  # 10% minority
    X[y == 1] += 1.0
    estimator = SMOTE(k_neighbors=5, random_state=0, device=device)
    fit = lambda X, y=y: estimator.fit_resample(X, y[: len(X)])

def rss_bytes():
    try:
        import psutil
    except ImportError:  # Linux without psutil
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    return psutil.Process().memory_info().rss

fit(X[:2000])  # warm-up: numba compilation and torch's lazy set-up are not the fit's memory
if device.startswith("cuda"):
    torch.cuda.reset_peak_memory_stats()
baseline = rss_bytes()
start = time.perf_counter()
out = fit(X)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
peak *= 1 if sys.platform == "darwin" else 1024
gpu = torch.cuda.max_memory_allocated() if device.startswith("cuda") else None
print(json.dumps({"baseline": baseline, "peak": peak, "seconds": seconds, "gpu_peak": gpu}))
"""


def measure(name, n, device):
    """Fit ``name`` on ``n`` samples in a fresh process; return its figures."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, name, str(n), str(N_FEATURES), device],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{name} n={n} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _mib(n_bytes):
    return f"{n_bytes / 2**20:,.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--estimators", nargs="+", default=["KMeans", "SMOTE", "SVC"])
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)

    header = "| estimator | n | X (MiB) | fit peak (MiB) | bytes/sample | marginal bytes/sample | fit (s) |"
    if args.device.startswith("cuda"):
        header += " GPU peak (MiB) |"
    print(f"device: {args.device}, {N_FEATURES} float64 features\n")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    start = time.perf_counter()
    for name in args.estimators:
        previous = None
        for n in sorted(args.sizes):
            row = measure(name, n, args.device)
            extra = max(row["peak"] - row["baseline"], 0)
            marginal = ""
            if previous is not None:
                marginal = f"{(extra - previous[1]) / (n - previous[0]):,.0f}"
            previous = (n, extra)
            line = (
                f"| {name} | {n:,} | {_mib(n * N_FEATURES * 8)} | {_mib(extra)} "
                f"| {extra / n:,.0f} | {marginal} | {row['seconds']:.2f} |"
            )
            if row["gpu_peak"] is not None:
                line += f" {_mib(row['gpu_peak'])} |"
            print(line, flush=True)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
