"""Fit and batch-predict times of the hist tree against scikit-learn's histogram grower.

The pair of the ``tree_reg_friedman1_1m_hist_255_leaves`` workload of
``bench_tree.py``: ``DecisionTreeRegressor(splitter="hist",
max_leaf_nodes=255)`` against one tree of ``HistGradientBoostingRegressor``
(:func:`bench_tree.one_histogram_tree`), fitted on ``make_friedman1`` and
predicting a batch of held-out rows. As ``run.py``: one untimed fit and
predict of each side first (numba compilation), then alternating timed runs,
medians reported with the ratio skdl / peer.

Usage::

    python benchmarks/tree_hist_predict.py                       # 1,000,000 rows, 100,000 predicted
    python benchmarks/tree_hist_predict.py --n-samples 100000 --repeats 5
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from sklearn.datasets import make_friedman1

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tree import one_histogram_tree  # noqa: E402

from skdl.tree import DecisionTreeRegressor  # noqa: E402


def _seconds(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=1_000_000)
    parser.add_argument("--n-predict", type=int, default=100_000)
    parser.add_argument("--max-leaf-nodes", type=int, default=255)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    X, y = make_friedman1(args.n_samples, 20, noise=1.0, random_state=0)
    X_test, y_test = make_friedman1(args.n_predict, 20, noise=1.0, random_state=1)
    sides = {
        "skdl": lambda: DecisionTreeRegressor(splitter="hist", max_leaf_nodes=args.max_leaf_nodes, random_state=0),
        "sklearn": lambda: one_histogram_tree(args.max_leaf_nodes),
    }
    times = {name: {"fit": [], "predict": []} for name in sides}
    models = {}
    for repeat in range(args.repeats + 1):  # the first round is the untimed warm-up
        for name, make in sides.items():
            fit_s, model = _seconds(lambda: make().fit(X, y))
            predict_s, _ = _seconds(lambda: model.predict(X_test))
            models[name] = model
            if repeat > 0:
                times[name]["fit"].append(fit_s)
                times[name]["predict"].append(predict_s)
    print(
        f"| step | skdl (s) | sklearn HistGradientBoosting (s) | ratio | ({args.n_samples} x 20 fit, {args.n_predict} predicted)"
    )
    for step in ("fit", "predict"):
        ours, peer = (statistics.median(times[name][step]) for name in sides)
        print(f"| {step} | {ours:.4f} | {peer:.4f} | {ours / peer:.2f} |")
    for name, model in models.items():
        print(f"{name}: held-out R2 {model.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
