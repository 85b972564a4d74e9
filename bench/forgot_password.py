"""Benchmark: does the forgotten-password answer take as long for an unknown address as for a known one?

    python bench/forgot_password.py [--requests 300] [--pin | --no-pin]
                                    [--database-url postgres://postgres@127.0.0.1:5432/postgres]
                                    [--redis-url redis://127.0.0.1:6379/14]

The hub runs under gunicorn (one sync worker) on a fresh PostgreSQL database with Redis as the cache,
as in production; mail is written to files (`SATUPINTU_MAIL_DIR`), so that both answers send their one
email the same way. One client posts the form of `/accounts/password/reset/`, alternating, in a random
order, an address that an account uses and one that none does, each address once (the per-address
limit is then never reached). The hub trusts one proxy (`SATUPINTU_TRUSTED_PROXIES=1`) and each request
names its own client address in `X-Forwarded-For`, so the per-IP limit is not reached either: every
request takes the production path, limits included.

It prints, for each kind, the count, the median and the 10th, 90th and 99th percentiles of the answer
time, and the difference of the medians with a 95% bootstrap interval. An interval that holds 0 means
this run cannot tell the two apart.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import redis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from server import add_server_arguments, environment, fresh_database, gunicorn  # noqa: E402

RESET = "/accounts/password/reset/"


def create_accounts(env: dict[str, str], count: int) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.hashers import make_password\n"
        "User = get_user_model()\n"
        "encoded = make_password('Bench#Reset2026')\n"
        f"User.objects.bulk_create([User(username=f'bench{{k}}', email=f'bench{{k}}@example.id', "
        f"password=encoded) for k in range({count})])\n"
    )
    satupintu = str(Path(sys.executable).with_name("satupintu"))
    subprocess.run([satupintu, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


class Client:
    """One keep-alive connection with the form's CSRF cookie and token."""

    def __init__(self, base: str) -> None:
        host, port = urllib.parse.urlparse(base).netloc.split(":")
        self.base = base
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self.conn.request("GET", RESET)
        page = self.conn.getresponse()
        body = page.read().decode()
        self.cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    def ask(self, email: str, client_address: str) -> tuple[float, int, str]:
        """Post the form; (seconds to the whole answer, status, where it redirects)."""
        form = urllib.parse.urlencode({"email": email, "csrfmiddlewaretoken": self.token})
        began = time.perf_counter()
        self.conn.request(
            "POST",
            RESET,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={self.cookie}",
                "Referer": self.base + RESET,
                "X-Forwarded-For": client_address,
            },
        )
        answer = self.conn.getresponse()
        answer.read()
        return time.perf_counter() - began, answer.status, answer.getheader("Location") or ""


def client_address(k: int) -> str:
    # Documentation addresses (TEST-NET-3), written in a header only: no traffic goes to them.
    return f"203.0.{113 + k // 250}.{k % 250 + 1}"


def median_difference_interval(a: list[float], b: list[float], rounds: int = 2000) -> tuple[float, float]:
    rng = random.Random(1)
    differences = sorted(
        statistics.median(rng.choices(a, k=len(a))) - statistics.median(rng.choices(b, k=len(b)))
        for _ in range(rounds)
    )
    return differences[int(rounds * 0.025)], differences[int(rounds * 0.975)]


def describe(name: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=100)
    return (
        f"{name}: {len(times)} answers, median {statistics.median(times) * 1000:.2f} ms, "
        f"p10 {q[9] * 1000:.2f}, p90 {q[89] * 1000:.2f}, p99 {q[98] * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="answers of each kind")
    add_server_arguments(parser, workers=1, redis_db=14, load="the client")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_cpus = {cores[0]} if args.pin and len(cores) > 1 else None
    warm_up = 20

    redis.Redis.from_url(args.redis_url).flushdb()
    with (
        fresh_database(args.database_url, "satupintu_bench_reset") as url,
        tempfile.TemporaryDirectory() as data,
    ):
        env = environment(
            url,
            data,
            REDIS_URL=args.redis_url,
            SATUPINTU_MAIL_DIR=str(Path(data) / "mail"),
            SATUPINTU_TRUSTED_PROXIES="1",
        )
        create_accounts(env, args.requests + warm_up)
        with gunicorn(env, workers=args.workers, cpus=server_cpus) as served:
            if server_cpus:
                os.sched_setaffinity(0, set(cores[1:]))
            client = Client(served.url)
            asks = [("known", f"bench{k}@example.id") for k in range(args.requests + warm_up)]
            asks += [("unknown", f"nobody{k}@example.id") for k in range(args.requests + warm_up)]
            random.Random(7).shuffle(asks)
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            seen = {"known": 0, "unknown": 0}
            answers = set()
            for k, (kind, email) in enumerate(asks):
                took, status, location = client.ask(email, client_address(k))
                answers.add((status, location))
                seen[kind] += 1
                if seen[kind] > warm_up:  # each kind's first answers load code and warm caches
                    times[kind].append(took)
            # The file backend may append several emails to one file: count their headers.
            mails = sum(f.read_text().count("\nSubject: ") for f in (Path(data) / "mail").glob("*"))
    redis.Redis.from_url(args.redis_url).flushdb()

    print(f"machine: {platform.machine()}, {len(cores)} cores, Python {platform.python_version()}")
    print(
        f"gunicorn sync workers: {args.workers}{f' pinned to core {cores[0]}' if server_cpus else ''}; "
        "PostgreSQL; cache: Redis; mail written to files"
    )
    print(f"answers (status, redirect): {sorted(answers)}")
    print(f"emails written: {mails} for {len(asks)} requests")
    print(describe("known address  ", times["known"]))
    print(describe("unknown address", times["unknown"]))
    low, high = median_difference_interval(times["known"], times["unknown"])
    difference = statistics.median(times["known"]) - statistics.median(times["unknown"])
    print(
        f"median known - unknown: {difference * 1000:+.2f} ms "
        f"(95% bootstrap interval {low * 1000:+.2f} to {high * 1000:+.2f} ms)"
    )


if __name__ == "__main__":
    main()
