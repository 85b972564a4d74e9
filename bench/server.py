"""Running the hub under gunicorn for a benchmark, on a fresh PostgreSQL database on loopback."""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import psycopg

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fresh_database(admin_url: str, name: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url``; dropped afterwards. Yields its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def environment(database_url: str, data_dir: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SATUPINTU_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "hub_settings",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        **extra,
    }


class Served(NamedTuple):
    url: str  # the base URL
    pid: int  # gunicorn's master process; the workers are its children


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], workers: int, *, port: int | None = None, cpus: set[int] | None = None
) -> Iterator[Served]:
    """The hub served by ``workers`` gunicorn processes on a loopback port (a free one unless given),
    pinned to ``cpus`` if given."""
    port = port or free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "satupintu.hub.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # The workers are forked from the master, so they inherit its cores.
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
        try:
            yield Served(_wait_until_serving(f"http://127.0.0.1:{port}", process, log), process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_serving(base: str, process: subprocess.Popen, log) -> str:
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)  # noqa: S310 - loopback
            return base
        except OSError:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError("gunicorn ended: " + log.read().decode(errors="replace")) from None
            time.sleep(0.1)
    raise RuntimeError(f"the hub did not answer at {base}")


def add_server_arguments(parser, *, workers: int, redis_db: int, load: str) -> None:
    """The options every served benchmark takes: gunicorn's workers and cores, the database, Redis."""
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn sync workers")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"gunicorn on the first core, {load} on the others",
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default=f"redis://127.0.0.1:6379/{redis_db}")
