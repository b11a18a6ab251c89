"""The two forms of the trees' histogram route, side by side on one device.

``splitter="hist"`` grows a tree node by node with numba kernels on the CPU,
and level by level in torch on a CUDA device. This script times both on the
same data, forcing the torch route where asked (it is never chosen on the
CPU, where it is slower), and prints the node counts and held-out R^2.

Usage::

    python benchmarks/tree_routes.py                  # both routes on the CPU
    python benchmarks/tree_routes.py --device cuda    # torch route on the GPU too
"""

import argparse
import time

from sklearn.datasets import make_friedman1

from skdl.tree import DecisionTreeRegressor, _classes


def fit_with_route(route, X, y, device):
    """Fit a full-depth hist tree with the numba or torch route on ``device``."""
    chosen = _classes.choose_hist_route
    _classes.choose_hist_route = lambda _device, _crit: route
    try:
        start = time.perf_counter()
        model = DecisionTreeRegressor(splitter="hist", random_state=0, device=device).fit(X, y)
        return model, time.perf_counter() - start
    finally:
        _classes.choose_hist_route = chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--device", default="cpu", help="device of the torch route (default cpu)")
    args = parser.parse_args()
    X, y = make_friedman1(args.n_samples, 20, noise=1.0, random_state=0)
    X_test, y_test = make_friedman1(args.n_samples // 5, 20, noise=1.0, random_state=1)
    fit_with_route("numba", X[:1000], y[:1000], "cpu")  # compile the kernels
    for route, device in (("numba", "cpu"), ("torch", args.device)):
        model, seconds = fit_with_route(route, X, y, device)
        print(
            f"{route:5s} on {device}: {seconds:7.2f} s, {model.tree_.node_count} nodes, "
            f"test R2 {model.score(X_test, y_test):.5f}"
        )


if __name__ == "__main__":
    main()
