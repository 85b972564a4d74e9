"""Benchmark: roaming sign-ins (authorization code + PKCE exchanges) per second per core, for vendors
already signed in at the hub.

    python bench/roaming.py [--seconds 20] [--vendors 200] [--workers 3] [--processes 2] [--threads 3]
                            [--pin | --no-pin] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
                            [--redis-url redis://127.0.0.1:6379/14] [--settings hub_settings]
    python bench/roaming.py --profile 100

Set-up, outside the measured window: a fresh PostgreSQL database; synthetic portal exports imported
through the real import; accounts activated through the real activation service
(`activation.services.activate`) until ``--vendors`` User ID Tunggal may roam to one aggregated portal
(`lkpp`), registered as a client with `sso.services.create_client`; each vendor signed in once through
the real sign-in form.

The hub runs under gunicorn (sync workers) with Redis as the cache (authorization codes, rate limits).
One exchange is what a portal and the vendor's browser do at "Masuk dengan INAPROC": GET
``/identity/o/authorize`` with PKCE S256 and the vendor's session cookie (a 302 to the portal with a
code), then POST ``/identity/o/api/token`` with the code and the verifier (a 200 with an ID token). Each
answer is checked (status, redirect target, state, the ID token's nonce, audience and issuer, and the
first ID token of each process against the published keys); a failed exchange is counted and printed,
never counted as throughput.

The load generator is ``--processes`` processes (multiprocessing) of ``--threads`` threads, each with
its own httpx connection, on loopback, for a fixed time. With ``--pin`` (the default) gunicorn runs on
core 0 and the load on core 1; PostgreSQL and Redis are shared services and stay unpinned. The CPU time
of the server side (gunicorn workers, this database's PostgreSQL backends, Redis) is read from /proc
and Redis' INFO over the window, which gives exchanges per CPU-second of the server, whatever core it
ran on: that is the per-core figure. Target: 120 exchanges per second per core.

``--profile N`` runs no server: N exchanges in one process through Django's test client, on the same
database and cache, timed in CPU and then under cProfile, with the share of the main parts.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import multiprocessing
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import redis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from server import add_server_arguments, environment, free_port, fresh_database, gunicorn  # noqa: E402
from server_cpu import ServerCpu  # noqa: E402

PASSWORD = "Bench#Roam2026"
PORTAL = "lkpp"  # the aggregated portal the vendors roam to
CALLBACK = "http://127.0.0.1:9/oidc/callback"  # never followed: the load generator reads the redirect


# --- set-up (runs in a child process with the hub's settings) ------------------------------------------


def prepare(vendors: int) -> dict:
    """Migrate, import, activate, register the client; returns what the load generator needs."""
    import django

    django.setup()
    from django.core.management import call_command

    from satupintu.aggregation import synth
    from satupintu.aggregation.io import split_by_portal
    from satupintu.hub.activation import services
    from satupintu.hub.sso.services import create_client, roaming_decision
    from satupintu.hub.vendors.models import PortalAccount, State
    from satupintu.hub.vendors.services import import_accounts

    call_command("migrate", interactive=False, verbosity=0)
    folder = Path(os.environ["SATUPINTU_DATA_DIR"]) / "exports"
    folder.mkdir()
    source = folder / "all.csv"
    synth.write(vendors * 6, 7, source)
    for portal, path in split_by_portal(source, folder).items():
        import_accounts(portal, path)

    client_id, client_secret = create_client(PORTAL, CALLBACK)
    roaming: list[str] = []
    candidates = PortalAccount.objects.filter(portal__aggregation_active=True, state=State.LOCAL)
    for account in candidates.select_related("portal", "identity").order_by("pk").iterator():
        if len(roaming) == vendors:
            break
        account.refresh_from_db()  # an earlier activation may have changed it
        if services.outcome_of(services.current_standing(account)) is not services.Outcome.ACTIVATED:
            continue
        result = services.activate(account, PASSWORD)
        if result.outcome is not services.Outcome.ACTIVATED:
            continue
        user = result.account.identity
        # Vendors whose group has an unactivated account at the portal are refused there: not these.
        if roaming_decision(user, client_id).denied is None:
            roaming.append(user.username)
    if len(roaming) < vendors:
        raise SystemExit(f"only {len(roaming)} vendors can roam to {PORTAL}; ask for fewer")
    return {"client_id": client_id, "client_secret": client_secret, "vendors": roaming}


def prepared(env: dict[str, str], vendors: int, *extra: str) -> tuple[dict, list[str]]:
    """Run the set-up in a child process; returns its result and the lines it printed before it."""
    answer = subprocess.run(
        [sys.executable, __file__, "--prepare", str(vendors), *extra],
        env=env,
        capture_output=True,
        text=True,
    )
    if answer.returncode != 0:
        raise RuntimeError("the set-up failed:\n" + answer.stderr[-3000:])
    lines = answer.stdout.strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


# What the profile reports: (label, end of the file name, function), each as a share of the total.
PROFILE_PARTS = (
    ("authorization request (the roaming view)", "hub/sso/views.py", "get"),
    ("  roaming rules", "hub/sso/views.py", "_checked"),
    ("    roaming_decision", "hub/sso/services.py", "roaming_decision"),
    ("      neighbourhood and engine (current_standing)", "hub/activation/services.py", "current_standing"),
    ("  allauth's authorization", "allauth/idp/oidc/views.py", "get"),
    ("token request", "allauth/idp/oidc/views.py", "_create_token_response"),
    ("  ID token claims", "hub/sso/adapter.py", "get_claims"),
    ("SQL built by the ORM", "django/db/models/sql/compiler.py", "as_sql"),
    ("client looked up by allauth", "oidc/internal/oauthlib/request_validator.py", "_lookup_client"),
)


def profile(client: dict, exchanges: int) -> None:
    """Exchanges in this process through Django's test client (no HTTP server), timed in CPU, then
    profiled: where the server's time goes, without the load generator."""
    import cProfile
    import pstats

    from allauth.core.internal import jwkkit
    from allauth.idp.oidc.adapter import get_adapter
    from django.db import connection
    from django.test import Client

    browser = Client(SERVER_NAME="127.0.0.1")
    if not browser.login(username=client["vendors"][0], password=PASSWORD):
        raise SystemExit("the test client could not sign in")
    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()

    def exchange() -> None:
        verifier = secrets.token_urlsafe(48)
        answer = browser.get(
            "/identity/o/authorize",
            {
                "client_id": client["client_id"],
                "response_type": "code",
                "scope": "openid profile email",
                "redirect_uri": CALLBACK,
                "state": "s",
                "nonce": "n",
                "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest()),
                "code_challenge_method": "S256",
            },
        )
        assert answer.status_code == 302, answer.content[:300]
        code = urllib.parse.parse_qs(urllib.parse.urlparse(answer["Location"]).query)["code"][0]
        token = browser.post(
            "/identity/o/api/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
            HTTP_AUTHORIZATION=f"Basic {basic}",
        )
        assert token.status_code == 200 and "id_token" in token.json(), token.content[:300]

    for _ in range(5):
        exchange()
    queries = 0

    def counted(execute, *args):
        nonlocal queries
        queries += 1
        return execute(*args)

    with connection.execute_wrapper(counted):
        exchange()
    began = time.process_time()
    for _ in range(exchanges):
        exchange()
    cpu = (time.process_time() - began) / exchanges
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(lambda: [exchange() for _ in range(exchanges)])
    stats = pstats.Stats(profiler).stats
    total = max(ct for (_, _, _, ct, _) in stats.values())
    pem = get_adapter().get_signing_key().pem
    began = time.process_time()
    for _ in range(10):
        jwkkit.load_jwk_from_pem(pem)
    key = (time.process_time() - began) / 10
    print(f"in one process, without HTTP: {cpu * 1000:.1f} ms of CPU per exchange, {queries} SQL queries")
    print(f"signing key parsed from PEM (allauth does it for every ID token): {key * 1000:.1f} ms of CPU")
    # cProfile slows Python code far more than C code: the shares below overstate the Python parts.
    print(f"share of an exchange's time under cProfile ({exchanges} exchanges):")
    for label, file_end, function in PROFILE_PARTS:
        spent = sum(
            ct
            for (file, _, name), (_, _, _, ct, _) in stats.items()
            if name == function and file.replace(os.sep, "/").endswith(file_end)
        )
        print(f"  {label:<44} {spent / total:5.0%}")


def sign_in(base: str, user_id: str) -> str:
    """The session cookie of one sign-in through the real form."""
    with httpx.Client(base_url=base, timeout=30) as browser:
        browser.get("/accounts/login/")
        answer = browser.post(
            "/accounts/login/",
            data={
                "login": user_id,
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/accounts/login/"},
        )
        if answer.status_code != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"sign-in of {user_id}: {answer.status_code} {answer.text[:300]}")
        return browser.cookies["sessionid"]


# --- load generator ------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Exchanger:
    """One connection that runs exchanges for its share of the vendors, and checks every answer."""

    def __init__(self, base: str, client: dict, sessions: list[str], keys) -> None:
        self.http = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        self.issuer = base  # the benchmark's hub is its own issuer (SATUPINTU_ISSUER)
        self.client, self.sessions, self.keys = client, sessions, keys
        self.auth = (client["client_id"], client["client_secret"])

    def exchange(self, session: str) -> tuple[float, float] | str:
        """(authorize seconds, token seconds), or why the exchange failed."""
        verifier, state, nonce = (
            secrets.token_urlsafe(48),
            secrets.token_urlsafe(12),
            secrets.token_urlsafe(12),
        )
        self.http.cookies.clear()  # each request carries only its vendor's session
        began = time.perf_counter()
        answer = self.http.get(
            "/identity/o/authorize",
            params={
                "client_id": self.client["client_id"],
                "response_type": "code",
                "scope": "openid profile email",
                "redirect_uri": CALLBACK,
                "state": state,
                "nonce": nonce,
                "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest()),
                "code_challenge_method": "S256",
            },
            headers={"Cookie": f"sessionid={session}"},
        )
        authorized = time.perf_counter()
        location = answer.headers.get("Location", "")
        query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
        if answer.status_code != 302 or not location.startswith(CALLBACK) or query.get("state") != [state]:
            return f"authorize: {answer.status_code} {location[:120] or answer.text[:200]!r}"
        if "code" not in query:
            return f"authorize: no code in {location[:200]!r}"
        self.http.cookies.clear()
        answer = self.http.post(
            "/identity/o/api/token",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
            auth=self.auth,
        )
        ended = time.perf_counter()
        if answer.status_code != 200:
            return f"token: {answer.status_code} {answer.text[:200]!r}"
        id_token = answer.json().get("id_token")
        if not id_token:
            return f"token: no id_token in {answer.text[:200]!r}"
        claims = _claims(id_token)
        expected = {"nonce": nonce, "aud": self.client["client_id"], "iss": self.issuer}
        if any(claims.get(name) != value for name, value in expected.items()):
            found = {name: claims.get(name) for name in expected}
            return f"token: ID token with {found}, expected {expected}"
        if self.keys is not None:  # the first token of each process is checked against the keys
            from joserfc import jwt

            jwt.decode(id_token, self.keys, algorithms=["RS256"])
            self.keys = None
        return authorized - began, ended - authorized

    def run(self, start: float, stop: float, out: dict) -> None:
        k = 0
        while time.time() < stop:
            session = self.sessions[k % len(self.sessions)]
            k += 1
            began = time.time()
            try:
                result = self.exchange(session)
            except Exception as exc:  # any failure is counted and shown, never lost
                result = f"{type(exc).__name__}: {exc}"
            if began < start:
                continue  # warm-up
            if isinstance(result, str):
                out["failures"].append(result)
            else:
                out["authorize"].append(result[0])
                out["token"].append(result[1])
                out["ended"] = max(out.get("ended", 0.0), time.time())
        self.http.close()


def load_process(base: str, client: dict, sessions: list[str], threads: int, start: float, stop: float, cpus):
    if cpus:
        os.sched_setaffinity(0, cpus)
    from joserfc.jwk import KeySet

    keys = KeySet.import_key_set(httpx.get(f"{base}/.well-known/jwks.json", timeout=30).json())
    out: dict = {"authorize": [], "token": [], "failures": []}
    workers = [
        Exchanger(base, client, sessions[t::threads], keys if t == 0 else None) for t in range(threads)
    ]
    running = [threading.Thread(target=w.run, args=(start, stop, out)) for w in workers]
    for t in running:
        t.start()
    for t in running:
        t.join()
    usage = os.times()
    out["cpu"] = usage.user + usage.system
    return out


# --- the run -------------------------------------------------------------------------------------------


def quantile_ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="instead of the load: profile this many exchanges in one process",
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warm-up", type=float, default=3)
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--threads", type=int, default=3, help="connections per load process")
    add_server_arguments(parser, workers=3, redis_db=14, load="the load")
    parser.add_argument(
        "--settings", default="hub_settings", help="settings module of the hub (to measure a change)"
    )
    args = parser.parse_args()
    if args.vendors < args.processes * args.threads:
        # Each connection runs exchanges for vendors of its own; one with none would add no load.
        parser.error("--vendors must be at least --processes × --threads")
    if args.prepare:
        prepared_client = prepare(args.prepare)
        if args.profile:
            profile(prepared_client, args.profile)
        print(json.dumps(prepared_client))
        return
    if args.profile:
        with (
            fresh_database(args.database_url, "bench_roaming") as url,
            tempfile.TemporaryDirectory() as data,
        ):
            env = environment(url, data, REDIS_URL=args.redis_url, DJANGO_SETTINGS_MODULE=args.settings)
            try:
                _, report = prepared(env, 10, "--profile", str(args.profile))
            finally:
                redis.Redis.from_url(args.redis_url).flushdb()
        print(f"settings: {args.settings}")
        print("\n".join(report))
        return

    cores = sorted(os.sched_getaffinity(0))
    server_cpus = {cores[0]} if args.pin else None
    load_cpus = set(cores[1:]) if args.pin else None
    database = "bench_roaming"
    cache = redis.Redis.from_url(args.redis_url)
    cache.flushdb()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        with (
            fresh_database(args.database_url, database) as url,
            tempfile.TemporaryDirectory() as data,
        ):
            env = environment(
                url,
                data,
                REDIS_URL=args.redis_url,
                SATUPINTU_ISSUER=base,
                DJANGO_SETTINGS_MODULE=args.settings,
            )
            began = time.perf_counter()
            client, _ = prepared(env, args.vendors)
            seconds = time.perf_counter() - began
            print(f"set-up: {args.vendors} vendors activated, client registered in {seconds:.0f} s")
            with gunicorn(env, workers=args.workers, port=port, cpus=server_cpus) as served:
                with ThreadPoolExecutor(4) as pool:
                    sessions = list(pool.map(lambda u: sign_in(base, u), client["vendors"]))
                print(f"signed in: {len(sessions)} vendors, once each, through /accounts/login/")
                meter = ServerCpu(served.pid, url, args.redis_url, database)
                share = [sessions[p :: args.processes] for p in range(args.processes)]
                start = time.time() + 2 + args.warm_up  # 2 s for the processes to start
                stop = start + args.seconds
                context = multiprocessing.get_context("spawn")
                with context.Pool(args.processes) as pool:
                    pending = pool.starmap_async(
                        load_process,
                        [
                            (base, client, share[p], args.threads, start, stop, load_cpus)
                            for p in range(args.processes)
                        ],
                    )
                    time.sleep(max(0.0, start - time.time()))
                    before = meter.snapshot()
                    time.sleep(max(0.0, stop - time.time()))
                    after = meter.snapshot()
                    results = pending.get(timeout=args.seconds + 120)
    finally:
        cache.flushdb()
        cache.close()

    authorize = [t for r in results for t in r["authorize"]]
    token = [t for r in results for t in r["token"]]
    total = [a + t for a, t in zip(authorize, token, strict=True)]
    failures = [f for r in results for f in r["failures"]]
    elapsed = max([r.get("ended", stop) for r in results] + [stop]) - start
    spent = ServerCpu.spent(before, after)
    server_cpu = spent["gunicorn"] + spent["postgres"] + spent["redis"]
    rate = len(total) / elapsed
    window = stop - start

    print(f"machine: {_model_name()}, {len(cores)} cores, Python {platform.python_version()}")
    # Other work on the machine takes CPU from the server and the load alike: say how much there was.
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    split = (
        f"gunicorn pinned to core {cores[0]}, load generator to core(s) {sorted(load_cpus)}; "
        "PostgreSQL and Redis unpinned"
        if args.pin
        else "nothing pinned: server, PostgreSQL, Redis and load share every core"
    )
    print(
        f"settings: {args.settings}; gunicorn sync workers: {args.workers}; "
        f"load: {args.processes} processes × {args.threads} connections"
    )
    print(f"cores: {split}")
    print(f"exchanges: {len(total)} in {elapsed:.1f} s = {rate:.1f}/s; failed: {len(failures)}")
    for failure in failures[:20]:
        print(f"  failed: {failure}")
    if total:
        for label, values in (("exchange", total), ("  authorize", authorize), ("  token", token)):
            print(
                f"{label:<12} p50 {quantile_ms(values, 50):6.1f} ms   p99 {quantile_ms(values, 99):6.1f} ms"
            )
    print(
        f"server CPU over the {window:.0f} s window: gunicorn {spent['gunicorn']:.1f} s, PostgreSQL "
        f"{spent['postgres']:.1f} s, Redis {spent['redis']:.1f} s = {server_cpu:.1f} s; load generator "
        f"{sum(r['cpu'] for r in results):.1f} s (warm-up included)"
    )
    print(
        "core busy over the window: "
        + ", ".join(f"core {c} {b:.0%}" for c, b in zip(cores, spent["cores"], strict=False))
    )
    per_cpu_second = len(total) / server_cpu if server_cpu else 0.0
    print(f"exchanges per server CPU-second (per core): {per_cpu_second:.1f} (target 120)")
    if args.pin:
        print(f"exchanges/s with gunicorn on one core: {rate:.1f}")
    else:
        print(f"exchanges/s divided by all {len(cores)} cores: {rate / len(cores):.1f}")


def _model_name() -> str:
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


if __name__ == "__main__":
    main()
