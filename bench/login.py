"""Benchmark: password sign-ins per second per core through the hub's real sign-in endpoint.

    python bench/login.py [--seconds 20] [--users 200] [--workers 2] [--clients 4] [--pin | --no-pin]
                          [--database-url postgres://postgres@127.0.0.1:5432/postgres]
                          [--redis-url redis://127.0.0.1:6379/15]

The hub runs under gunicorn (sync workers) on a fresh PostgreSQL database, with Redis as the cache
(rate-limit counters, sessions) as in production, and the production hasher: argon2id, t=5, m=7 MiB,
p=1 (the parameters of Keycloak's published sizing run). Client threads on loopback POST the sign-in
form (user ID, password, CSRF token) as fast as the answers come, with no session cookie, so that each
request is a full sign-in; each success (a redirect with a session cookie) counts.

With ``--pin`` (the default) gunicorn runs on the first core and the client threads on the others. The
per-core figure is sign-ins per CPU-second of the server side (gunicorn, this database's PostgreSQL
backends, Redis; `server_cpu.ServerCpu`) over the measured window. The same run measures raw argon2
verifications per second on one core with the same parameters; the target is sign-ins per core at 80%
or more of it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import redis
from argon2 import PasswordHasher

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from server import add_server_arguments, environment, fresh_database, gunicorn  # noqa: E402
from server_cpu import ServerCpu  # noqa: E402

PASSWORD = "Bench#Login2026"


def raw_verify_rate(seconds: float) -> float:
    hasher = PasswordHasher(time_cost=5, memory_cost=7168, parallelism=1)
    encoded = hasher.hash(PASSWORD)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        hasher.verify(encoded, PASSWORD)
        count += 1
    return count / (time.perf_counter() - start)


def create_users(env: dict[str, str], users: int) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.hashers import make_password\n"
        f"encoded = make_password({PASSWORD!r})\n"
        "User = get_user_model()\n"
        f"User.objects.bulk_create([User(username=f'bench{{k}}', password=encoded) for k in range({users})])\n"
    )
    satupintu = str(Path(sys.executable).with_name("satupintu"))
    subprocess.run([satupintu, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


def sign_in_loop(base: str, users: int, stop: float, results: list, errors: list, offset: int) -> None:
    host, port = urllib.parse.urlparse(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/accounts/login/")
    page = conn.getresponse()
    body = page.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    k = offset
    while time.perf_counter() < stop:
        form = urllib.parse.urlencode(
            {"login": f"bench{k % users}", "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        began = time.perf_counter()
        conn.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",  # no session cookie: every request signs in afresh
                "Referer": f"{base}/accounts/login/",
            },
        )
        answer = conn.getresponse()
        answer.read()
        if answer.status == 302 and "sessionid" in (answer.getheader("Set-Cookie") or ""):
            results.append(time.perf_counter() - began)
        else:
            errors.append(answer.status)
        k += 1
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    add_server_arguments(parser, workers=2, redis_db=15, load="the client threads")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_cpus = {cores[0]} if args.pin else None

    raw = raw_verify_rate(min(args.seconds, 10))
    database = "satupintu_bench_login"
    redis.Redis.from_url(args.redis_url).flushdb()
    with (
        fresh_database(args.database_url, database) as url,
        tempfile.TemporaryDirectory() as data,
    ):
        env = environment(url, data, REDIS_URL=args.redis_url)
        create_users(env, args.users)
        with gunicorn(env, workers=args.workers, cpus=server_cpus) as served:
            if args.pin:
                os.sched_setaffinity(0, set(cores[1:]))  # the client threads, started below, inherit it
            base = served.url
            results: list[float] = []
            errors: list[int] = []
            # A short warm-up: each worker loads Django and opens its database connection.
            sign_in_loop(base, args.users, time.perf_counter() + 2, [], [], 0)
            meter = ServerCpu(served.pid, url, args.redis_url, database)
            before = meter.snapshot()
            stop = time.perf_counter() + args.seconds
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=sign_in_loop, args=(base, args.users, stop, results, errors, k * 1000)
                )
                for k in range(args.clients)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            spent = ServerCpu.spent(before, meter.snapshot())
    redis.Redis.from_url(args.redis_url).flushdb()

    server_cpu = spent["gunicorn"] + spent["postgres"] + spent["redis"]
    rate = len(results) / elapsed
    per_core = len(results) / server_cpu if server_cpu else 0.0
    print(f"machine: {platform.machine()}, {len(cores)} cores, Python {platform.python_version()}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    print(
        f"argon2id t=5 m=7168 KiB p=1; gunicorn sync workers: {args.workers}"
        f"{f' pinned to core {cores[0]}' if args.pin else ''}; client threads: {args.clients}; cache: Redis"
    )
    print(f"raw argon2 verifications, one core: {raw:.1f}/s")
    print(f"sign-ins: {len(results)} in {elapsed:.1f} s = {rate:.1f}/s")
    if results:
        quantiles = statistics.quantiles(results, n=100)
        print(f"latency p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms")
    print(f"failed requests: {len(errors)}")
    print(
        f"server CPU over the window: gunicorn {spent['gunicorn']:.1f} s, PostgreSQL {spent['postgres']:.1f} s, "
        f"Redis {spent['redis']:.1f} s = {server_cpu:.1f} s"
    )
    print(
        "core busy over the window: "
        + ", ".join(f"core {c} {b:.0%}" for c, b in zip(cores, spent["cores"], strict=False))
    )
    print(f"sign-ins per server CPU-second (per core): {per_core:.1f}")
    print(f"per core / raw verify: {per_core / raw:.2f} (target 0.80)")


if __name__ == "__main__":
    main()
