"""``python -m skdl``: a tour that fits every skdl estimator next to its peer."""

import argparse
import sys
import time

from ._tour import run_tour


def main(argv=None):
    """Parse the command line and run the tour.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 when the device cannot be used.
    """
    parser = argparse.ArgumentParser(
        prog="python -m skdl",
        description=(
            "Fit every skdl estimator in a Pipeline and a small GridSearchCV on "
            "datasets shipped with scikit-learn, next to its scikit-learn or "
            "imbalanced-learn counterpart on the same split."
        ),
    )
    parser.add_argument("--device", default="auto", help="cpu, cuda, cuda:<index> or auto (default)")
    parser.add_argument("--quick", action="store_true", help="smaller grids")
    parser.add_argument("--estimator", action="append", help="only this estimator (repeatable)")
    args = parser.parse_args(argv)
    print(f"skdl tour (device={args.device}, quick={args.quick})")
    start = time.perf_counter()
    try:
        run_tour(device=args.device, quick=args.quick, estimators=args.estimator)
    except ValueError as error:
        if "device" not in str(error):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"\nTotal time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
