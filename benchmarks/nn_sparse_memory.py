"""Peak memory of MLPClassifier's fit on the TF-IDF matrix of ``bench_nn`` (CSR input).

Prints the CSR matrix's bytes, the fitted model's bytes (parameters and
Adam's two moment buffers) and the growth of the process's peak resident
memory during the fit (``ru_maxrss`` after a small warm-up fit, so library
loading is not counted).

    python benchmarks/nn_sparse_memory.py
"""

import gc
import resource
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_nn import _SPARSE_MLP, tfidf_matrix  # noqa: E402

from skdl.nn import MLPClassifier  # noqa: E402


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


class _Sampler(threading.Thread):
    """Largest resident memory seen, sampled every millisecond."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = _rss_bytes(), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(0.001)


def main():
    X, y = tfidf_matrix(quick=False)
    MLPClassifier(**_SPARSE_MLP, device="cpu").fit(X[:300], y[:300])  # load the kernels
    csr_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    gc.collect()
    before = _rss_bytes()
    sampler = _Sampler()
    sampler.start()
    clf = MLPClassifier(**_SPARSE_MLP, device="cpu").fit(X, y)
    sampler.running = False
    sampler.join()
    growth = sampler.peak - before
    model_bytes = 3 * sum(p.numel() * p.element_size() for p in clf.module_.parameters())
    budget = 3 * csr_bytes + model_bytes
    print(f"CSR {X.shape}, nnz {X.nnz}: {csr_bytes / 2**20:.1f} MiB")
    print(f"model (parameters + Adam moments): {model_bytes / 2**20:.1f} MiB")
    print(
        f"peak memory growth during fit: {growth / 2**20:.1f} MiB; "
        f"budget 3 x CSR + model = {budget / 2**20:.1f} MiB; ratio {growth / budget:.2f}"
    )
    print(f"training accuracy {clf.score(X, y):.4f}, {np.unique(y).size} classes")


if __name__ == "__main__":
    main()
