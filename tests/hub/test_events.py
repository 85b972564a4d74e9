"""Events to portals: webhooks pushed to a real HTTP receiver on loopback that checks each signature as a
portal does (`satupintu.core.webhooks.verify`), retries on a clock moved forward instead of sleeping, and
the pull endpoint served on a real socket."""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.db import connection, transaction
from django.utils import timezone
from test_activation import LONE
from typer.testing import CliRunner

from export_rows import password_of
from satupintu.cli import app
from satupintu.core import webhooks
from satupintu.hub.activation import services as activation
from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.events import services as events_services
from satupintu.hub.events.delivery import Result, deliver_due, retry_delay
from satupintu.hub.events.models import Delivery, Event, Subscription
from satupintu.hub.events.services import events_for, publish, set_subscription
from satupintu.hub.portals.models import Portal
from satupintu.hub.sso.services import create_client

CALLBACK = "http://127.0.0.1:9/oidc/callback"
runner = CliRunner()


class Receiver:
    """Portals' webhook endpoints on one loopback server, one path per portal. Each checks the signature
    with the secret its portal was given, answers 401 to anything not genuine, and otherwise the
    status set for its path (200 unless told)."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.status: dict[str, int] = {}
        self.received: list[tuple[str, str, dict]] = []  # (path, webhook-id, body)
        self.rejected: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                path = self.path.strip("/")
                try:
                    message_id = webhooks.verify(receiver.secrets[path], self.headers, body, time.time())
                except (KeyError, webhooks.WebhookVerificationError) as exc:
                    receiver.rejected.append(str(exc))
                    self.send_response(401)
                else:
                    receiver.received.append((path, message_id, json.loads(body)))
                    self.send_response(receiver.status.get(path, 200))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def subscribe(self, portal_code: str) -> None:
        _, secret = set_subscription(portal_code, f"http://127.0.0.1:{self.server.server_port}/{portal_code}")
        self.secrets[portal_code] = secret

    def types(self, path: str) -> list[str]:
        return [body["type"] for p, _, body in self.received if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def dead_url() -> str:
    """An address on loopback where nothing listens: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


def later(**delta) -> timezone.datetime:
    return timezone.now() + timedelta(**delta)


# Push


@pytest.mark.django_db
def test_an_activation_reaches_its_portal_and_the_new_identity_every_subscribed_portal(
    receiver, portal_accounts
):
    receiver.subscribe("depkes")
    receiver.subscribe("lkpp")
    set_subscription("kotabogor", dead_url())  # not aggregated: told nothing
    accounts = portal_accounts(LONE)
    activation.activate(accounts["SINAR"], password_of(LONE))
    accounts["SINAR"].refresh_from_db()
    user = accounts["SINAR"].identity

    report = deliver_due()
    assert report.count(Result.DELIVERED) == 3 and not receiver.rejected
    assert receiver.types("depkes") == ["account.activated", "vendor.updated"]  # in order
    assert receiver.types("lkpp") == ["vendor.updated"]
    (message_id, activated), *_ = [(m, b) for p, m, b in receiver.received if p == "depkes"]
    assert activated["data"] == {
        "portal": "depkes",
        "user_id": "SINAR",
        "sub": str(user.sub),
        "user_id_tunggal": "SINAR",
    }
    event = Event.objects.get(type="account.activated")
    assert message_id == str(event.message_id) and activated["cursor"] == event.id
    assert activated["timestamp"].endswith("+07:00")
    assert not Delivery.objects.filter(portal__code="kotabogor").exists()
    assert Delivery.objects.filter(delivered_at__isnull=False, attempts=1).count() == 3

    # Delivered once: a second pass sends nothing.
    assert deliver_due().attempts == [] and len(receiver.received) == 3


@pytest.mark.django_db
def test_a_failing_portal_is_retried_later_with_growing_delays(receiver):
    receiver.subscribe("lkpp")
    receiver.status["lkpp"] = 500
    event = publish("vendor.updated", {"sub": "x"})
    delivery = Delivery.objects.get(event=event)

    start = timezone.now()
    assert deliver_due(start).count(Result.RETRY) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error == "HTTP 500" and delivery.delivered_at is None
    first_delay = delivery.next_attempt_at - start
    assert timedelta(seconds=8) <= first_delay <= timedelta(seconds=12)

    assert deliver_due(start + timedelta(seconds=5)).attempts == []  # not due yet
    second = start + timedelta(seconds=15)
    deliver_due(second)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at - second > first_delay

    receiver.status["lkpp"] = 204
    assert deliver_due(second + timedelta(minutes=5)).count(Result.DELIVERED) == 1
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 3
    # Every attempt carried the same id, so that the portal applies it once.
    assert {message_id for _, message_id, _ in receiver.received} == {str(event.message_id)}
    assert len(receiver.received) == 3


def test_the_delays_grow_to_a_cap():
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[0] < timedelta(seconds=13) and delays[-1] > timedelta(hours=4)
    assert all(delay <= timedelta(hours=6) * 1.2 for delay in delays)
    # Each step at least doubles, more than the jitter can undo.
    assert all(a < b for a, b in itertools.pairwise(delays[:7]))


@pytest.mark.django_db
def test_a_dead_portal_does_not_hold_up_the_others_and_keeps_its_own_order(receiver):
    receiver.subscribe("lkpp")
    set_subscription("jakarta", dead_url())
    first = publish("vendor.updated", {"n": 1})
    second = publish("vendor.updated", {"n": 2})

    report = deliver_due()
    assert receiver.types("lkpp") == ["vendor.updated", "vendor.updated"]
    assert [b["data"]["n"] for _, _, b in receiver.received] == [1, 2]
    dead = {d.event_id: d for d in Delivery.objects.filter(portal__code="jakarta")}
    assert dead[first.id].last_error == "connection refused" and dead[first.id].attempts == 1
    # The second waits behind the first, so that the portal gets them in order.
    assert dead[second.id].attempts == 0
    assert report.count(Result.RETRY) == 1 and report.count(Result.DELIVERED) == 2


@pytest.mark.django_db
def test_after_three_days_the_hub_gives_up_and_the_event_stays_pullable(receiver):
    set_subscription("lkpp", dead_url())
    event = publish("vendor.updated", {"sub": "x"})
    report = deliver_due(later(days=4))
    assert report.count(Result.GIVEN_UP) == 1
    delivery = Delivery.objects.get(event=event)
    assert delivery.given_up_at is not None and delivery.last_error == "connection refused"
    assert AuditEvent.objects.filter(action="events.delivery_given_up", object_id=str(delivery.pk)).exists()
    assert deliver_due(later(days=5)).attempts == []
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_events_queued_behind_a_failing_one_wait_for_it_then_go_in_order(receiver):
    receiver.subscribe("lkpp")
    receiver.status["lkpp"] = 500
    events = [publish("vendor.updated", {"n": n}) for n in range(4)]
    start = timezone.now()
    assert deliver_due(start).count(Result.RETRY) == 1
    assert deliver_due(start + timedelta(seconds=15)).count(Result.RETRY) == 1
    assert [b["data"]["n"] for _, _, b in receiver.received] == [0, 0]  # only the head was tried
    assert list(Delivery.objects.order_by("event_id").values_list("attempts", flat=True)) == [2, 0, 0, 0]

    receiver.status["lkpp"] = 200
    assert deliver_due(start + timedelta(minutes=5)).count(Result.DELIVERED) == 4
    assert [b["data"]["n"] for _, _, b in receiver.received] == [0, 0, 0, 1, 2, 3]
    assert [b["cursor"] for _, _, b in receiver.received[2:]] == [e.id for e in events]
    assert Subscription.objects.get(portal__code="lkpp").failures == 0  # the delays start again


@pytest.mark.django_db
def test_when_a_dead_portals_head_is_given_up_its_other_old_events_go_with_it_unsent(receiver):
    receiver.subscribe("lkpp")
    receiver.status["lkpp"] = 503
    old = [publish("vendor.updated", {"n": n}) for n in range(5)]
    Delivery.objects.filter(event__in=old).update(created_at=later(days=-4))
    recent = [publish("vendor.updated", {"n": n}) for n in (5, 6)]
    now = timezone.now()

    report = deliver_due(now)
    assert [b["data"]["n"] for _, _, b in receiver.received] == [0]  # one request, for the head only
    assert [(a.cursor, a.result, a.also_given_up) for a in report.attempts] == [
        (old[0].id, Result.GIVEN_UP, 4)
    ]
    assert report.count(Result.GIVEN_UP) == 5
    given_up = Delivery.objects.filter(given_up_at__isnull=False).order_by("event_id")
    assert [(d.event_id, d.attempts, d.last_error) for d in given_up] == [
        (e.id, 1 if e == old[0] else 0, "HTTP 503") for e in old
    ]
    [audit] = AuditEvent.objects.filter(action="events.delivery_given_up")
    assert audit.object_id == str(given_up[0].pk) and audit.data["also_given_up"] == 4
    # The newer ones wait for the portal's next retry, as its head would have.
    waiting = Delivery.objects.filter(event__in=recent)
    assert all(d.attempts == 0 and d.next_attempt_at > now + timedelta(seconds=7) for d in waiting)
    assert deliver_due(now + timedelta(seconds=5)).attempts == []

    # The delays go on growing for the portal: the new head's first failure waits as a second one does.
    retry_at = now + timedelta(seconds=15)
    [attempt] = deliver_due(retry_at).attempts
    assert (attempt.cursor, attempt.result) == (recent[0].id, Result.RETRY)
    assert attempt.next_attempt_at - retry_at > timedelta(seconds=20)  # about 30 s, not 10 s

    receiver.status["lkpp"] = 200
    assert deliver_due(retry_at + timedelta(minutes=1)).count(Result.DELIVERED) == 2
    assert [b["data"]["n"] for _, _, b in receiver.received] == [0, 5, 5, 6]
    assert Subscription.objects.get(portal__code="lkpp").failures == 0


@pytest.mark.django_db
def test_a_portal_that_leaves_aggregation_is_pushed_nothing_more(receiver):
    receiver.subscribe("lkpp")
    events = [publish("vendor.updated", {"n": n}) for n in range(3)]
    Portal.objects.filter(code="lkpp").update(aggregation_active=False)
    report = deliver_due()
    assert [(a.result, a.error) for a in report.attempts] == [(Result.GIVEN_UP, "portal not aggregated")]
    assert report.count(Result.GIVEN_UP) == 3  # all at once, none of them sent
    assert receiver.received == []
    given_up = Delivery.objects.filter(event__in=events, given_up_at__isnull=False, attempts=0)
    assert given_up.count() == 3
    assert deliver_due(later(days=1)).attempts == []


@pytest.mark.django_db
def test_a_webhook_row_deleted_by_hand_gives_the_portals_deliveries_up(receiver):
    receiver.subscribe("lkpp")
    publish("vendor.updated", {"n": 1})
    publish("vendor.updated", {"n": 2})
    Subscription.objects.filter(portal__code="lkpp").delete()
    report = deliver_due()
    assert [(a.result, a.error, a.also_given_up) for a in report.attempts] == [
        (Result.GIVEN_UP, "no webhook", 1)
    ]
    assert not Delivery.objects.filter(given_up_at__isnull=True).exists() and receiver.received == []


@pytest.mark.django_db
def test_a_new_address_and_secret_apply_to_pending_deliveries(receiver):
    set_subscription("lkpp", dead_url())
    publish("vendor.updated", {"sub": "x"})
    deliver_due()
    receiver.subscribe("lkpp")  # the portal is back, at another address, with a new secret
    assert deliver_due(later(minutes=1)).count(Result.DELIVERED) == 1
    assert receiver.types("lkpp") == ["vendor.updated"] and not receiver.rejected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_at_once_send_each_event_once_and_in_order(receiver):
    for code in ("lkpp", "jakarta", "depkes"):
        receiver.subscribe(code)
    events = [publish("vendor.updated", {"n": n}) for n in range(12)]

    def work():
        try:
            deliver_due()
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ids = [message_id for _, message_id, _ in receiver.received]
    assert len(ids) == 36 and len(set(zip(ids, [p for p, _, _ in receiver.received], strict=True))) == 36
    for code in ("lkpp", "jakarta", "depkes"):
        assert [b["cursor"] for p, _, b in receiver.received if p == code] == [e.id for e in events]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences and commit order: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_is_not_pullable_before_the_one_published_before_it_commits():
    """The first publisher holds its transaction open; the second publishes meanwhile. Were it let through,
    a pull would return the second event and its cursor while the first, with the smaller cursor, is
    still invisible: the portal would keep that cursor and never read the first."""
    lkpp = Portal.objects.get(code="lkpp")
    published, commit = threading.Event(), threading.Event()
    done: dict[str, Event] = {}

    def first():
        try:
            with transaction.atomic():
                done["first"] = publish("vendor.updated", {"n": 1})
                published.set()
                commit.wait(30)
        finally:
            connection.close()

    def second():
        try:
            done["second"] = publish("vendor.updated", {"n": 2})
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert published.wait(30)
    threads[1].start()
    waiting = False
    deadline = time.monotonic() + 30
    while threads[1].is_alive() and not waiting and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [events_services._PUBLISH_LOCK],
            )
            waiting = cursor.fetchone()[0] > 0
    visible_meanwhile = events_for(lkpp, 0, 100)
    commit.set()
    for t in threads:
        t.join(30)
    assert waiting and visible_meanwhile == []
    assert [e.payload["n"] for e in events_for(lkpp, 0, 100)] == [1, 2]
    assert done["first"].id < done["second"].id


# Command line


@pytest.mark.django_db
def test_webhook_set_prints_the_secret_once_and_a_second_run_replaces_it():
    result = runner.invoke(
        app, ["webhook", "set", "--portal", "lkpp", "--url", "https://lpse.example.go.id/hooks"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["portal"] == "lkpp" and printed["url"] == "https://lpse.example.go.id/hooks"
    assert printed["secret"].startswith("whsec_")
    again = json.loads(
        runner.invoke(
            app, ["webhook", "set", "--portal", "lkpp", "--url", "https://lpse.example.go.id/v2"]
        ).stdout
    )
    subscription = Subscription.objects.get(portal__code="lkpp")
    assert subscription.url.endswith("/v2") and subscription.secret == again["secret"] != printed["secret"]
    audits = AuditEvent.objects.filter(action="events.webhook_set")
    assert audits.count() == 2 and all("secret" not in json.dumps(a.data) for a in audits)
    assert printed["secret"] not in str(subscription)


@pytest.mark.django_db
def test_webhook_set_names_the_field_to_fix():
    bad = runner.invoke(app, ["webhook", "set", "--portal", "lkpp", "--url", "ftp://x"])
    assert bad.exit_code == 2 and "url:" in bad.output and "http(s)" in bad.output
    unknown = runner.invoke(app, ["webhook", "set", "--portal", "nowhere", "--url", "https://x.go.id/h"])
    assert unknown.exit_code == 2 and "no portal with code 'nowhere'" in unknown.output
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_events_deliver_does_one_pass_and_says_what_it_did(receiver):
    receiver.subscribe("lkpp")
    set_subscription("jakarta", dead_url())
    publish("vendor.updated", {"sub": "x"})
    result = runner.invoke(app, ["events", "deliver"])
    assert result.exit_code == 0, result.output
    assert "1 delivered, 1 to retry, 0 given up" in result.output
    assert "jakarta: event" in result.output and "connection refused" in result.output
    assert receiver.types("lkpp") == ["vendor.updated"]


@pytest.mark.parametrize("worker_of", ["events", "mail"])
def test_deliver_watch_outlives_a_database_error(tmp_path, worker_of):
    """A worker (the events', or the mail's which shares its loop) against a database without its
    tables (as one that is down or restoring would fail): it says so and tries again each pass, instead
    of dying at the first."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SATUPINTU_DATA_DIR"] = str(tmp_path)  # a fresh SQLite file, never migrated
    command = [worker_of, "deliver", "--watch", "--interval", "0.1"]
    worker = subprocess.Popen(
        [sys.executable, "-c", "from satupintu.cli import main; main()", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read():
        for line in worker.stderr:
            lines.put(line)
        lines.put(None)  # the worker has ended

    threading.Thread(target=read, daemon=True).start()
    try:
        errors, output = [], []
        while len(errors) < 2:
            line = lines.get(timeout=60)
            assert line is not None, "the worker ended:\n" + "".join(output)
            output.append(line)
            if "database error" in line:
                errors.append(line)
        assert "no such table" in errors[0] and worker.poll() is None  # still running
    finally:
        worker.terminate()
        worker.wait(30)
        worker.stderr.close()


# Pull


def basic(client_id: str, secret: str) -> dict[str, str]:
    # English answers, so that the assertions on messages hold once the Indonesian ones exist.
    token = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Accept-Language": "en"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pull_endpoint_pages_a_portals_own_events_and_the_broadcasts(live_server):
    lkpp = create_client("lkpp", CALLBACK)
    jakarta = create_client("jakarta", CALLBACK)
    mine = publish("account.activated", {"n": 1}, portal=Portal.objects.get(code="lkpp"))
    publish("account.activated", {"n": 2}, portal=Portal.objects.get(code="jakarta"))
    broadcast = publish("vendor.updated", {"n": 3})
    after_mine = publish("account.linked", {"n": 4}, portal=Portal.objects.get(code="lkpp"))
    url = f"{live_server.url}/api/v1/events"

    with httpx.Client(timeout=10) as http:
        page = http.get(url, params={"limit": 2}, headers=basic(*lkpp))
        assert page.status_code == 200, page.text
        body = page.json()
        assert [e["cursor"] for e in body["events"]] == [mine.id, broadcast.id]
        assert body["events"][0] == {
            "id": str(mine.message_id),
            "cursor": mine.id,
            "type": "account.activated",
            "timestamp": timezone.localtime(mine.created_at).isoformat(timespec="seconds"),
            "data": {"n": 1},
        }
        rest = http.get(url, params={"after": body["next_cursor"]}, headers=basic(*lkpp)).json()
        assert [e["cursor"] for e in rest["events"]] == [after_mine.id]
        done = http.get(url, params={"after": rest["next_cursor"]}, headers=basic(*lkpp)).json()
        assert done == {"events": [], "next_cursor": after_mine.id}

        # Jakarta sees its own and the broadcast, never lkpp's.
        theirs = http.get(url, headers=basic(*jakarta)).json()
        assert [e["data"]["n"] for e in theirs["events"]] == [2, 3]

        assert http.get(url, params={"after": -1}, headers=basic(*lkpp)).status_code == 422
        docs = http.get(f"{live_server.url}/api/v1/docs")
        # Swagger UI from the hub itself, not from a CDN.
        assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in docs.text
        assert "/api/v1/events" in http.get(f"{live_server.url}/api/v1/openapi.json").text


@pytest.mark.django_db
def test_a_pull_returns_at_most_500_events(client):
    lkpp = create_client("lkpp", CALLBACK)
    Event.objects.bulk_create(Event(type="vendor.updated", payload={"n": n}) for n in range(501))
    response = client.get("/api/v1/events?limit=1000", headers=basic(*lkpp))
    assert response.status_code == 200 and len(response.json()["events"]) == 500


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_wrong_credentials_get_one_answer_and_are_throttled_per_address(live_server):
    client_id, secret = create_client("lkpp", CALLBACK)
    publish("vendor.updated", {"n": 1})
    url = f"{live_server.url}/api/v1/events"
    with httpx.Client(timeout=10) as http:
        missing = http.get(url)
        wrong_secret = http.get(url, headers=basic(client_id, secret + "x"))
        unknown_client = http.get(url, headers=basic("nobody", secret))
        for response in (missing, wrong_secret, unknown_client):
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert wrong_secret.json() == unknown_client.json()  # nothing tells which part was wrong
        # 10 failures a minute per address (two so far).
        statuses = [http.get(url, headers=basic(client_id, f"guess{n}")).status_code for n in range(9)]
        assert statuses == [401] * 8 + [429]
        # Throttled even with the right secret, until the minute has passed.
        throttled = http.get(url, headers=basic(client_id, secret))
        assert throttled.status_code == 429 and "Too many" in throttled.json()["detail"]


@pytest.mark.django_db
def test_only_aggregated_portals_may_pull(client):
    credentials = create_client("kotabogor", CALLBACK)
    response = client.get("/api/v1/events", headers=basic(*credentials))
    assert response.status_code == 403 and "not aggregated" in response.json()["detail"]
