"""Benchmark: activation's duplicate check against a million imported accounts.

    python bench/activation_check.py [--accounts 1000000] [--sample 2000] [--seed 1] [--decisions 0]
                                     [--keep] [--reuse]
                                     [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Writes a synthetic export (`satupintu synth`, kept under bench/out/), splits it into one export per
portal, and imports each through the real import into a fresh database `bench_activation` (migrated,
so the portal registry marks the aggregated portals as it does in production). Then, for a random
sample of accounts at aggregated portals plus one account of each of the largest NPWP groups, it
times what activation does to find an account's duplicates: the neighbourhood query
(`standing.neighbourhood`) and the engine run again on it (`standing.standing_of`), and the same
check as activation makes it, under row locks in a transaction. Target: p99 ≤ 10 ms. The database is
dropped at the end, unless ``--keep``; ``--reuse`` measures again on a kept database (migrated first,
so that a new index is measured without importing again). ``--decisions N`` first gives the database N
review decisions, which activation reads for every account it checks.

The synthetic file takes about half a minute to write and the import about a minute (1M accounts).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from server import fresh_database  # noqa: E402

BENCH_DB = "bench_activation"
BIG_GROUPS = 100  # accounts taken from the largest NPWP groups, on top of the random sample


def exports(accounts: int, seed: int, folder: Path) -> dict[str, Path]:
    """One export per portal, split from one synthetic file; both are kept for the next run."""
    from satupintu.aggregation import synth
    from satupintu.aggregation.io import split_by_portal

    source = folder / f"synth-{accounts}-seed{seed}.csv"
    split = folder / f"activation-{accounts}-seed{seed}"
    if not source.exists():
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        synth.write(accounts, seed, source)
        print(f"synth: {accounts} accounts in {time.perf_counter() - start:.1f} s")
    if not split.exists():
        temporary = split.with_suffix(".tmp")
        split_by_portal(source, temporary)
        temporary.rename(split)
    return {path.stem: path for path in sorted(split.glob("*.csv"))}


def import_all(paths: dict[str, Path]) -> None:
    from satupintu.hub.vendors.services import import_accounts

    start, rows, rejected = time.perf_counter(), 0, 0
    for portal, path in paths.items():
        summary = import_accounts(portal, path)
        rows += summary.created
        rejected += summary.rejected
    print(
        f"import: {rows:,} accounts ({rejected:,} rows rejected) from {len(paths)} portals "
        f"in {time.perf_counter() - start:.1f} s"
    )


def sample(size: int, seed: int) -> tuple[list[int], list[int]]:
    """Primary keys: ``size`` random accounts at aggregated portals, and one account of each of the
    largest NPWP groups (there the neighbourhood and the engine's work are the largest)."""
    from django.db.models import Count

    from satupintu.hub.vendors.models import PortalAccount

    aggregated = PortalAccount.objects.filter(portal__aggregation_active=True)
    rng = random.Random(seed)
    ids = list(aggregated.values_list("pk", flat=True))
    random_ids = rng.sample(ids, min(size, len(ids)))
    largest = (
        aggregated.exclude(npwp_canonical="")
        .values("npwp_canonical")
        .annotate(n=Count("pk"))
        .order_by("-n", "npwp_canonical")[:BIG_GROUPS]
    )
    big_ids = [
        aggregated.filter(npwp_canonical=group["npwp_canonical"])
        .order_by("pk")
        .values_list("pk", flat=True)[0]
        for group in largest
    ]
    return random_ids, big_ids


def time_checks(ids: list[int]) -> dict[str, list[float]]:
    """Seconds per account: the query, the engine, both; and the check as activation makes it."""
    from django.db import transaction

    from satupintu.hub.activation.services import _locked_standing
    from satupintu.hub.activation.standing import neighbourhood, standing_of
    from satupintu.hub.vendors.models import PortalAccount

    times: dict[str, list[float]] = {"query": [], "engine": [], "check": [], "locked": [], "size": []}
    for pk in ids:
        account = PortalAccount.objects.select_related("portal", "identity").get(pk=pk)
        began = time.perf_counter()
        accounts = list(neighbourhood(account))
        queried = time.perf_counter()
        standing_of(account, accounts)
        ended = time.perf_counter()
        with transaction.atomic():
            locked_began = time.perf_counter()
            _locked_standing(account)
            times["locked"].append(time.perf_counter() - locked_began)
            transaction.set_rollback(True)
        times["query"].append(queried - began)
        times["engine"].append(ended - queried)
        times["check"].append(ended - began)
        times["size"].append(len(accounts))
    return times


def describe(label: str, seconds: list[float]) -> str:
    q = statistics.quantiles(seconds, n=100, method="inclusive")
    return (
        f"{label:<34} p50 {q[49] * 1000:6.2f}  p95 {q[94] * 1000:6.2f}  p99 {q[98] * 1000:6.2f}  "
        f"max {max(seconds) * 1000:6.2f} ms"
    )


def review_decisions(count: int, seed: int) -> int:
    """Make sure at least ``count`` review decisions exist (an LPSE's "different vendors" between an
    account and the next one): activation reads them for every account it checks. Returns how many."""
    from satupintu.hub.review.models import DecisionPair, Kind, ReviewDecision
    from satupintu.hub.vendors.models import PortalAccount

    missing = count - ReviewDecision.objects.count()
    if missing > 0:
        ids = list(PortalAccount.objects.values_list("pk", flat=True))
        known = set(ids)
        chosen = [pk for pk in random.Random(seed + 1).sample(ids, missing + 1000) if pk + 1 in known][
            :missing
        ]
        decisions = ReviewDecision.objects.bulk_create(
            (ReviewDecision(kind=Kind.DIFFERENT, account_id=pk, reason="benchmark") for pk in chosen),
            batch_size=5000,
        )
        DecisionPair.objects.bulk_create(
            (DecisionPair(decision=d, other_id=d.account_id + 1) for d in decisions), batch_size=5000
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE review_reviewdecision")
            cursor.execute("ANALYZE review_decisionpair")
    return ReviewDecision.objects.count()


def explain(pk: int) -> str:
    from django.db import connection

    from satupintu.hub.activation.standing import neighbourhood
    from satupintu.hub.vendors.models import PortalAccount

    account = PortalAccount.objects.get(pk=pk)
    sql, params = neighbourhood(account).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--decisions", type=int, default=0, help="review decisions to have in the database (default none)"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the database {BENCH_DB}")
    parser.add_argument("--reuse", action="store_true", help=f"measure on the kept database {BENCH_DB}")
    args = parser.parse_args()
    paths = exports(args.accounts, args.seed, HERE / "out") if not args.reuse else {}

    with database(args) as (url, fresh), tempfile.TemporaryDirectory() as data:
        os.environ.update(
            DATABASE_URL=url, SATUPINTU_DATA_DIR=data, DJANGO_SETTINGS_MODULE="satupintu.hub.settings"
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        try:
            call_command("migrate", interactive=False, verbosity=0)
            if fresh:
                import_all(paths)
            with connection.cursor() as cursor:
                # What autovacuum does within a minute of a large import: the planner's statistics.
                cursor.execute("ANALYZE vendors_portalaccount")
            decisions = review_decisions(args.decisions, args.seed) if args.decisions else 0
            random_ids, big_ids = sample(args.sample, args.seed)
            # Warm-up (the process's imports and first queries) on other accounts than the measured
            # ones, so that no measured account's rows were read just before.
            measured = set(random_ids) | set(big_ids)
            time_checks([pk for pk in sample(args.sample, args.seed + 1)[0] if pk not in measured][:200])
            times = time_checks(random_ids + big_ids)
            # The largest groups' figures are their part of that one run, not a second, cached pass.
            big = {part: values[len(random_ids) :] for part, values in times.items()}
            sizes = times.pop("size")
            big_sizes = big.pop("size")
            server = connection.cursor().connection.info.server_version
            cpu = _model_name()
            print(
                f"machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
                f"PostgreSQL {server // 10000}.{server % 10000}"
            )
            print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
            print(
                f"{len(random_ids)} random accounts at aggregated portals + {len(big_ids)} from the largest "
                f"NPWP groups; neighbourhood size p50 {statistics.median(sizes):.0f}, max {max(sizes)}; "
                f"{decisions:,} review decisions"
            )
            print(describe("neighbourhood query", times["query"]))
            print(describe("engine (standing_of)", times["engine"]))
            print(describe("duplicate check (query + engine)", times["check"]))
            print(describe("as activation: locked, in a txn", times["locked"]))
            print(f"largest NPWP groups alone (neighbourhood {min(big_sizes)} to {max(big_sizes)} accounts):")
            print(describe("  duplicate check (query + engine)", big["check"]))
            print(describe("  as activation: locked, in a txn", big["locked"]))
            for part, label in (("check", "duplicate check"), ("locked", "as activation makes it")):
                p99 = statistics.quantiles(times[part], n=100, method="inclusive")[98] * 1000
                print(f"target p99 ≤ 10 ms, {label}: {'met' if p99 <= 10 else 'NOT met'} ({p99:.2f} ms)")
            print("EXPLAIN ANALYZE, the account of the largest NPWP group:")
            print(explain(big_ids[0]))
        finally:
            connection.close()


@contextlib.contextmanager
def database(args) -> Iterator[tuple[str, bool]]:
    """The benchmark's database URL, and whether it is new (to be imported into)."""
    url = args.database_url.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    if args.reuse:
        yield url, False
    elif args.keep:
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
        yield url, True
    else:
        with fresh_database(args.database_url, BENCH_DB) as url:
            yield url, True
    if args.reuse and not args.keep:
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _model_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.machine()
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if "Model name" in line), "?")


if __name__ == "__main__":
    main()
