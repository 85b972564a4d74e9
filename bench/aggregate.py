"""Benchmark: SatuPintu's aggregation engine against a Splink 5 baseline on the same synthetic file.

    python bench/aggregate.py --accounts 1000000

Generates accounts with known truth (not timed), then runs each engine file to file in a child process of
its own, twice: once timed, and once with its memory sampled. Peak memory is the largest sum of
proportional set sizes over the child and every process it starts (see memory.py), sampled every 50 ms;
each sample walks the page tables of every process, which takes CPU from the run it measures, so wall
time is that of the run without sampling.
Precision and recall are over the same-group relation: pairs of accounts that share a group against
pairs that share a true company or branch.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from memory import PeakMemory  # noqa: E402
from metrics import pair_metrics  # noqa: E402


def child_engine(accounts: Path, out: Path) -> dict:
    """Our engine, file to file, as ``satupintu aggregate --input --output`` runs it (one process per
    core)."""
    from satupintu.aggregation.files import aggregate_file

    start = time.perf_counter()
    outcome = aggregate_file(accounts, out)
    return {
        "seconds": time.perf_counter() - start,
        "accounts": outcome.summary["accounts"],
        "processes": outcome.shards,
    }


def child_splink(accounts: Path, out: Path, threshold: float, threads: int) -> dict:
    from splink_baseline import link

    start = time.perf_counter()
    clusters = link(accounts, threshold=threshold, threads=threads)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("portal", "user_id", "group_id"))
        for (portal, user_id), cluster in clusters.items():
            writer.writerow((portal, user_id, cluster))
    return {"seconds": time.perf_counter() - start, "accounts": len(clusters), "processes": 1}


def _run_child(args: list[str]) -> dict:
    figures = _child_figures(args, sample_memory=False)
    figures["peak_mib"] = _child_figures(args, sample_memory=True)["peak_mib"]
    return figures


def _child_figures(args: list[str], *, sample_memory: bool) -> dict:
    with (
        subprocess.Popen(
            [sys.executable, __file__, "--child", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as child,
        PeakMemory(child.pid) if sample_memory else contextlib.nullcontext() as memory,
    ):
        stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{stderr[-3000:]}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    if memory is not None:
        figures["peak_mib"] = memory.peak_mib
    return figures


def _groups(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {(r["portal"], r["user_id"].strip().casefold()): r["group_id"] for r in csv.DictReader(f)}


def _truth(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {(r["portal"], r["user_id"].strip().casefold()): r["entity_id"] for r in csv.DictReader(f)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.95, help="Splink match probability threshold")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads for Splink")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, accounts, out, *rest = args.child
        if kind == "engine":
            figures = child_engine(Path(accounts), Path(out))
        else:
            figures = child_splink(Path(accounts), Path(out), float(rest[0]), int(rest[1]))
        print(json.dumps(figures))
        return

    from satupintu.aggregation import synth

    args.workdir.mkdir(parents=True, exist_ok=True)
    accounts = args.workdir / f"accounts-{args.accounts}-{args.seed}.csv"
    truth_path = args.workdir / f"truth-{args.accounts}-{args.seed}.csv"
    if not accounts.exists() or not truth_path.exists():
        start = time.perf_counter()
        synth.write(args.accounts, args.seed, accounts, truth_path)
        print(f"generated {args.accounts} accounts in {time.perf_counter() - start:.1f} s (not timed below)")
    truth = _truth(truth_path)

    runs = {
        "satupintu": _run_child(["engine", str(accounts), str(args.workdir / "groups-satupintu.csv")]),
        "splink": _run_child(
            [
                "splink",
                str(accounts),
                str(args.workdir / "groups-splink.csv"),
                str(args.threshold),
                str(args.threads),
            ]
        ),
    }
    print(
        f"\nmachine: {platform.processor() or platform.machine()}, {_cpus()} cores, Python {platform.python_version()}"
    )
    print(f"accounts: {args.accounts}, seed {args.seed}, Splink threshold {args.threshold}\n")
    print(
        f"{'engine':10} {'wall s':>8} {'peak MiB':>9} {'precision':>10} {'recall':>8} {'false pairs':>12} {'missed pairs':>13}"
    )
    for name, figures in runs.items():
        predicted = _groups(args.workdir / f"groups-{name}.csv")
        precision, recall, _tp, fp, fn = pair_metrics(predicted, truth)
        figures.update(precision=precision, recall=recall, fp=fp, fn=fn)
        print(
            f"{name:10} {figures['seconds']:8.1f} {figures['peak_mib']:9.0f} {precision:10.6f} {recall:8.5f} "
            f"{fp:12d} {fn:13d}"
        )
    ratio = runs["splink"]["seconds"] / runs["satupintu"]["seconds"]
    print(f"\ntime ratio splink/satupintu: {ratio:.2f}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
