"""The worker that pushes pending deliveries to the portals' webhooks (decision 0008).

Each portal receives its events in order: only a portal's oldest pending delivery (its head) is sent,
and the next one waits until the head is delivered or given up. So a portal that is down holds back
its own events only; the other portals' heads go out in the same pass, side by side, each bounded by
short timeouts. Several workers may run at once on PostgreSQL: a head being sent is locked
(``SKIP LOCKED``), and the next one is not a head until that lock's transaction has committed. SQLite
has no row locks, so run one worker there (a second one could send a delivery twice, which receivers
ignore since delivery is at least once).

The retry delays and giving up belong to the portal, not to each event: the delay grows with the
portal's failures in a row (`Subscription.failures`), and when a head is given up, every pending
delivery of that portal as old is given up with it, unsent, while the newer ones wait for the portal's
next retry. Otherwise a portal down for days would be tried once per pass for each of its old events.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from satupintu.core import webhooks
from satupintu.hub.audit.services import record
from satupintu.hub.events.models import Delivery, Subscription
from satupintu.hub.events.services import push_body

log = logging.getLogger(__name__)

# A portal that does not answer within these costs one attempt, not the worker's time.
TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)
# Delays after the 1st, 2nd, ... failed attempt; the last one repeats.
BACKOFF = (
    timedelta(seconds=10),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
JITTER = 0.2  # ±20%, so that deliveries that failed together are not retried together
GIVE_UP_AFTER = timedelta(days=3)
# Errors found without sending: every pending delivery of the portal is given up at once.
NOT_AGGREGATED = "portal not aggregated"
NO_WEBHOOK = "no webhook"
PERMANENT = (NOT_AGGREGATED, NO_WEBHOOK)
# Heads sent at once: enough that a few dead portals do not hold up a pass.
PARALLEL = 8
BATCH = 50


class Result(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GIVEN_UP = "given_up"


@dataclass(frozen=True)
class Attempt:
    portal: str
    cursor: int
    type: str
    result: Result
    error: str = ""
    next_attempt_at: datetime | None = None
    # Given up with this one, unsent: the portal's other pending deliveries as old (or all of them).
    also_given_up: int = 0


@dataclass
class Report:
    attempts: list[Attempt] = field(default_factory=list)

    def count(self, result: Result) -> int:
        """The deliveries with this outcome, those given up unsent included."""
        return sum(1 + a.also_given_up for a in self.attempts if a.result is result)


def retry_delay(failures: int, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``failures``-th failed attempt in a row (1 for the first)."""
    base = BACKOFF[min(failures, len(BACKOFF)) - 1]
    return base * (rng or random).uniform(1 - JITTER, 1 + JITTER)


def deliver_due(now: datetime | None = None, limit: int = 500) -> Report:
    """Send the deliveries due at ``now`` (default: the clock), at most ``limit`` of them, and record
    each outcome. ``now`` schedules the retries; signatures always carry the real time, which is what
    the receiver checks them against."""
    now = now or timezone.now()
    report = Report()
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
        while len(report.attempts) < limit:
            attempts = _deliver_batch(client, now, min(BATCH, limit - len(report.attempts)))
            if not attempts:
                break
            report.attempts.extend(attempts)
    return report


def _due_heads(now: datetime):
    """Each portal's oldest pending delivery, if it is due."""
    pending = Delivery.objects.filter(delivered_at__isnull=True, given_up_at__isnull=True)
    older = pending.filter(portal=OuterRef("portal"), event_id__lt=OuterRef("event_id"))
    return (
        pending.filter(next_attempt_at__lte=now)
        .exclude(Exists(older))
        .select_related("event", "portal")
        .order_by("id")
    )


@dataclass(frozen=True)
class _Request:
    url: str
    secret: str
    message_id: str
    body: bytes


def _deliver_batch(client: httpx.Client, now: datetime, size: int) -> list[Attempt]:
    # PostgreSQL: the heads stay locked while they are sent, so that other workers skip them. SQLite
    # has no row locks, and its transactions take the whole file's write lock at once: one held across
    # the sends would stall every activation, so there each outcome commits on its own.
    locking = connection.features.has_select_for_update
    with transaction.atomic() if locking else contextlib.nullcontext():
        heads = list(_due_heads(now).select_for_update(skip_locked=True, of=("self",))[:size])
        if not heads:
            return []
        subscriptions = {
            s.portal_id: s for s in Subscription.objects.filter(portal__in=[d.portal_id for d in heads])
        }
        # Everything the threads need is read here: they touch the network only, never the database.
        requests: list[_Request | str] = []
        for delivery in heads:
            subscription = subscriptions.get(delivery.portal_id)
            if not delivery.portal.aggregation_active:
                requests.append(NOT_AGGREGATED)
            elif subscription is None:
                # Only if the row was deleted by hand (`set_subscription` never removes one).
                requests.append(NO_WEBHOOK)
            else:
                requests.append(
                    _Request(
                        subscription.url,
                        subscription.secret,
                        str(delivery.event.message_id),
                        push_body(delivery.event),
                    )
                )
        with ThreadPoolExecutor(max_workers=min(PARALLEL, len(heads))) as pool:
            errors = list(pool.map(lambda r: r if isinstance(r, str) else _send(client, r), requests))
        return [
            _record(delivery, subscriptions.get(delivery.portal_id), error, now)
            for delivery, error in zip(heads, errors, strict=True)
        ]


def _send(client: httpx.Client, request: _Request) -> str:
    """POST one signed event; the error in a few words, or "" when the portal took it (2xx)."""
    headers = webhooks.headers(request.secret, request.message_id, int(time.time()), request.body)
    headers["content-type"] = "application/json"
    try:
        with client.stream("POST", request.url, content=request.body, headers=headers) as response:
            # The answer's body is not needed: only its status counts.
            return "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    except httpx.ConnectTimeout:
        return "connect timeout"
    except httpx.ConnectError as exc:
        return "connection refused" if "refused" in str(exc).lower() else "cannot connect"
    except httpx.TimeoutException:
        return "timeout"
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return type(exc).__name__


@transaction.atomic
def _record(delivery: Delivery, subscription: Subscription | None, error: str, now: datetime) -> Attempt:
    event = delivery.event
    also_given_up = 0
    if error not in PERMANENT:
        delivery.attempts += 1
    delivery.last_error = error[:200]
    if not error:
        delivery.delivered_at = timezone.now()
        result = Result.DELIVERED
        if subscription.failures:
            Subscription.objects.filter(pk=subscription.pk).update(failures=0)
    else:
        if error in PERMANENT:
            give_up, cutoff = True, None
        else:
            failures = subscription.failures + 1
            Subscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
            next_at = now + retry_delay(failures)
            give_up, cutoff = next_at - delivery.created_at > GIVE_UP_AFTER, next_at - GIVE_UP_AFTER
        if give_up:
            delivery.given_up_at = now
            result = Result.GIVEN_UP
            also_given_up = _give_up_with(delivery, cutoff, now)
            if cutoff is not None:
                # The newer ones wait for the portal's next retry, as the head would have.
                _pending(delivery.portal_id).filter(next_attempt_at__lt=next_at).update(
                    next_attempt_at=next_at
                )
            record(
                "events.delivery_given_up",
                delivery,
                portal=delivery.portal.code,
                event=str(event.message_id),
                attempts=delivery.attempts,
                error=delivery.last_error,
                also_given_up=also_given_up,
            )
        else:
            delivery.next_attempt_at = next_at
            result = Result.RETRY
        log.warning("event %s to %s: %s (%s)", event.id, delivery.portal.code, error, result)
    delivery.save(update_fields=["attempts", "last_error", "delivered_at", "given_up_at", "next_attempt_at"])
    return Attempt(
        delivery.portal.code,
        event.id,
        event.type,
        result,
        delivery.last_error,
        delivery.next_attempt_at if result is Result.RETRY else None,
        also_given_up,
    )


def _pending(portal_id: int):
    return Delivery.objects.filter(portal_id=portal_id, delivered_at__isnull=True, given_up_at__isnull=True)


def _give_up_with(head: Delivery, cutoff: datetime | None, now: datetime) -> int:
    """Give up, in one statement and without sending them, the head's portal's other pending deliveries
    created before ``cutoff`` (all of them when None); how many."""
    others = _pending(head.portal_id).exclude(pk=head.pk)
    if cutoff is not None:
        others = others.filter(created_at__lt=cutoff)
    return others.update(given_up_at=now, last_error=head.last_error)
