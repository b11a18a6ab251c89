"""``python -m skdl``: a tour that fits every skdl estimator next to its peer."""

import argparse
import json
import sys
import time

from ._tour import run_tour, select_cases, tour_cases


def _parser():
    names = ", ".join(case.estimator for case in tour_cases())
    parser = argparse.ArgumentParser(
        prog="python -m skdl",
        description=(
            "Fit every skdl estimator in a Pipeline and a small GridSearchCV on "
            "datasets shipped with scikit-learn, next to its scikit-learn or "
            "imbalanced-learn counterpart on the same split. Progress goes to "
            "stderr, the table (or --json) to stdout."
        ),
    )
    parser.add_argument("--device", default="auto", help="cpu, cuda, cuda:<index> or auto (default)")
    parser.add_argument("--quick", action="store_true", help="smaller grids")
    parser.add_argument(
        "--estimator",
        action="append",
        metavar="NAME",
        help=f"only this estimator (repeatable, any letter case): {names}",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of the table")
    return parser


def main(argv=None):
    """Parse the command line and run the tour.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 when the device cannot be used. A bad argument (an
        unknown, empty or repeated estimator name) exits with status 2 and
        argparse's usage message.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        select_cases(args.estimator)
    except ValueError as error:
        parser.error(str(error))
    if not args.json:
        print(f"skdl tour (device={args.device}, quick={args.quick})")
    start = time.perf_counter()
    try:
        rows = run_tour(
            device=args.device,
            quick=args.quick,
            estimators=args.estimator,
            out=None if args.json else print,
        )
    except ValueError as error:
        if "device" not in str(error):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"\nTotal time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
