"""Benchmark: `satupintu import` of one large portal export into PostgreSQL.

    python bench/import_pg.py --accounts 1000000 [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Writes a synthetic export of one portal (user IDs made unique within it), creates a fresh database
`satupintu_bench` on the server, migrates it, then times the import through the same service the CLI
uses (reading and checking every row, COPY, upsert), and a second import of the same file (nothing
changes). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
BENCH_DB = "satupintu_bench"


def _export(accounts: int, seed: int, folder: Path) -> Path:
    from satupintu.aggregation import synth

    folder.mkdir(parents=True, exist_ok=True)
    source, path = folder / f"import-source-{accounts}.csv", folder / f"import-lkpp-{accounts}.csv"
    if not path.exists():
        synth.write(accounts, seed, source)
        with (
            source.open(encoding="utf-8", newline="") as f_in,
            path.open("w", encoding="utf-8", newline="") as f_out,
        ):
            reader = csv.DictReader(f_in)
            writer = csv.DictWriter(f_out, reader.fieldnames, lineterminator="\n")
            writer.writeheader()
            for row in reader:
                row["user_id"] = f"{row['portal']}.{row['user_id']}"
                row["portal"] = "lkpp"
                writer.writerow(row)
        source.unlink()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    path = _export(args.accounts, args.seed, HERE / "out")

    admin_url = args.database_url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satupintu.hub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from satupintu.hub.vendors.services import import_accounts

    try:
        call_command("migrate", interactive=False, verbosity=0)
        for label in ("first import", "re-import"):
            start = time.perf_counter()
            summary = import_accounts("lkpp", path)
            seconds = time.perf_counter() - start
            print(
                f"{label}: {summary.rows} rows in {seconds:.1f} s ({summary.rows / seconds:,.0f} rows/s): "
                f"{summary.created} new, {summary.updated} changed, {summary.unchanged} unchanged, "
                f"{summary.rejected} rejected"
            )
        server = connection.cursor().connection.info.server_version
        print(
            f"PostgreSQL {server // 10000}.{server % 10000}, Python {sys.version.split()[0]}, {os.cpu_count()} cores"
        )
    finally:
        connection.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
