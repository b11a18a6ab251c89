"""Benchmark runner: skdl against its scikit-learn / imbalanced-learn peer.

Each workload runs both libraries in this process on the same data, alternating
(skdl, peer, skdl, peer, ...) after one warm-up fit of each (so one-off costs
such as numba compilation are not timed), and reports the median times, the
ratio skdl/peer (below 1 means skdl is faster), the quality figure of both and
its relative difference, and the device.

Usage::

    python benchmarks/run.py                       # every workload
    python benchmarks/run.py --family cluster      # benchmarks/bench_cluster.py only
    python benchmarks/run.py --only kmeans_200k    # workloads whose name contains this
    python benchmarks/run.py --quick --repeats 1   # small data, a smoke run
    python benchmarks/run.py --device cuda         # skdl on the GPU (peer on the CPU)
    python benchmarks/run.py --json rows.json      # also write the rows as JSON

Workloads live in ``benchmarks/bench_<family>.py`` files, each defining a list
``WORKLOADS`` of :class:`_workload.Workload`.
"""

import argparse
import importlib
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def discover_workloads(family=None):
    """Import every ``bench_*.py`` next to this file and collect its WORKLOADS."""
    workloads = []
    for path in sorted(HERE.glob("bench_*.py")):
        if family is not None and path.stem != f"bench_{family}":
            continue
        workloads.extend(importlib.import_module(path.stem).WORKLOADS)
    return workloads


def _timed(fit, *args):
    start = time.perf_counter()
    model = fit(*args)
    return time.perf_counter() - start, model


def measure(workload, *, device, quick, repeats):
    """Run one workload; return a result row (dict)."""
    data = workload.make_data(quick)
    _timed(workload.fit_skdl, data, device)  # warm-up: JIT compilation, caches
    _timed(workload.fit_peer, data)
    skdl_times, peer_times = [], []
    for _ in range(repeats):
        seconds, skdl_model = _timed(workload.fit_skdl, data, device)
        skdl_times.append(seconds)
        seconds, peer_model = _timed(workload.fit_peer, data)
        peer_times.append(seconds)
    skdl_time, peer_time = statistics.median(skdl_times), statistics.median(peer_times)
    skdl_quality = workload.quality(skdl_model, data)
    peer_quality = workload.quality(peer_model, data)
    return {
        "workload": workload.name,
        "skdl_s": skdl_time,
        "peer_s": peer_time,
        "ratio": skdl_time / peer_time,
        "quality": workload.quality_name,
        "skdl_q": skdl_quality,
        "peer_q": peer_quality,
        "rel_diff": abs(skdl_quality - peer_quality) / max(abs(peer_quality), 1e-300),
        "device": device,
        "target": workload.target,
    }


def format_rows(rows):
    """Markdown table of result rows."""
    header = (
        "| workload | skdl (s) | peer (s) | ratio skdl/peer | quality | skdl | peer | rel. diff | device | target |"
    )
    lines = [header, "|---" * 10 + "|"]
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['skdl_s']:.3f} | {r['peer_s']:.3f} | {r['ratio']:.2f} | "
            f"{r['quality']} | {r['skdl_q']:.8g} | {r['peer_q']:.8g} | {r['rel_diff']:.1e} | "
            f"{r['device']} | {r['target']} |"
        )
    return "\n".join(lines)


def environment(device, **settings):
    """What a measurement ran on: versions, threads, device and the run's settings."""
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "device": device,
        **settings,
    }


def write_json(path, header, rows):
    """Write ``{"environment": header, "rows": rows}`` to ``path``."""
    Path(path).write_text(json.dumps({"environment": header, "rows": rows}, indent=1) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", help="only benchmarks/bench_<family>.py")
    parser.add_argument("--only", help="only workloads whose name contains this text")
    parser.add_argument("--device", default="cpu", help="device for skdl (default cpu)")
    parser.add_argument("--quick", action="store_true", help="small data (a smoke run, not a measurement)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each side (default 5)")
    parser.add_argument("--json", metavar="PATH", help="also write the environment and the rows as JSON")
    args = parser.parse_args(argv)
    header = environment(args.device, quick=args.quick, repeats=args.repeats)

    has_cuda = torch.cuda.is_available() and args.device != "cpu"
    print(
        f"# skdl benchmarks: python {header['python']}, torch {header['torch']}, "
        f"{header['threads']} threads, device={args.device}, quick={args.quick}, repeats={args.repeats}"
    )
    rows = []
    for workload in discover_workloads(args.family):
        if args.only and args.only not in workload.name:
            continue
        if workload.needs_cuda and not has_cuda:
            print(f"skipped {workload.name}: needs --device cuda on a machine with CUDA")
            continue
        rows.append(measure(workload, device=args.device, quick=args.quick, repeats=args.repeats))
        print(format_rows(rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(format_rows(rows))
    if args.json:
        write_json(args.json, header, rows)
    return rows


if __name__ == "__main__":
    main()
