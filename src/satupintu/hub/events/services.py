"""Publishing identity changes to the portals, their subscriptions, and reading events back.

Call the publishing functions inside the transaction of the change, so that an event, and a delivery
to every portal that should hear of it, exists exactly when its change does (the outbox). The worker
that pushes the deliveries is `satupintu.hub.events.delivery`.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from satupintu.core import webhooks
from satupintu.hub.audit.services import record
from satupintu.hub.events.models import Delivery, Event, Subscription
from satupintu.hub.portals.models import Portal
from satupintu.hub.sso.addresses import require_http_url
from satupintu.hub.sso.hashers import ClientSecretHasher
from satupintu.hub.sso.models import PortalClient
from satupintu.hub.vendors.claims import email_claims, profile_claims

# The most events one pull returns, whatever ``limit`` asks.
PULL_LIMIT = 500
# Checked when no client matches, so that an unknown client id costs what a wrong secret does.
_DUMMY_SECRET = make_password("not a client secret", hasher=ClientSecretHasher.algorithm)
# The PostgreSQL advisory lock that publishing takes until its transaction ends (any constant that
# nothing else uses).
_PUBLISH_LOCK = 0x5A7E0008


def publish(type: str, payload: dict[str, Any], *, portal: Portal | None = None) -> Event:
    """One event for ``portal``, or for every aggregated portal when ``portal`` is None.

    Its deliveries are created here, in the same transaction: one for each target that is aggregated
    and has a webhook now. A portal that subscribes later reads earlier events from the pull endpoint.

    On PostgreSQL the transactions that publish commit one at a time, from their ``publish`` on: keep
    it late in the change's transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # An event's id (its cursor) comes from a sequence when it is inserted, not when it commits:
            # without this lock, a pull with after=N could see N+2 while N+1 is still uncommitted, and the
            # portal, keeping N+2, would never read N+1 (nor would the worker send them in order). Held
            # until the commit, it makes cursor order the commit order. SQLite writes one at a time anyway.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PUBLISH_LOCK])
        event = Event.objects.create(type=type, payload=payload, portal=portal)
        targets = Portal.objects.filter(aggregation_active=True, webhook__isnull=False)
        if portal is not None:
            targets = targets.filter(pk=portal.pk)
        now = timezone.now()
        Delivery.objects.bulk_create(
            Delivery(event=event, portal_id=pk, next_attempt_at=now)
            for pk in targets.values_list("pk", flat=True)
        )
    return event


def publish_vendor_updated(user) -> Event:
    """Tell every aggregated portal a vendor's identity as it now stands, in the ID token's shapes."""
    return publish("vendor.updated", {"sub": str(user.sub), **profile_claims(user), **email_claims(user)})


def envelope(event: Event) -> dict[str, Any]:
    """An event as the pull endpoint lists it; a push sends the same without ``id`` (it is the
    ``webhook-id`` header)."""
    return {
        "id": str(event.message_id),
        "cursor": event.id,
        "type": event.type,
        "timestamp": timezone.localtime(event.created_at).isoformat(timespec="seconds"),
        "data": event.payload,
    }


def push_body(event: Event) -> bytes:
    """The exact bytes a push sends and signs."""
    body = envelope(event)
    del body["id"]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def set_subscription(portal_code: str, url: str, *, actor=None) -> tuple[Subscription, str]:
    """Point a portal's webhook at ``url`` with a new secret; returns it and the secret, which is shown
    this once. `Portal.DoesNotExist` for an unknown code, `ValidationError` (naming the field) for a
    bad address. Pending deliveries go to the new address, signed with the new secret."""
    portal = Portal.objects.get(code=portal_code)
    require_http_url(url, "url", "https://lpse.example.go.id/hooks/satupintu")
    secret = webhooks.new_secret()
    with transaction.atomic():
        # A new address starts with no failures behind it: the portal's retry delays start again.
        subscription, created = Subscription.objects.update_or_create(
            portal=portal, defaults={"url": url, "secret": secret, "failures": 0}
        )
        # Never the secret: the audit trail is read by more people than the portal's administrators.
        record("events.webhook_set", subscription, actor, portal=portal.code, url=url, new=created)
    return subscription, secret


def authenticated_portal(client_id: str, client_secret: str) -> Portal | None:
    """The portal whose OpenID Connect client these credentials are; None when either part is wrong
    (the caller must not say which)."""
    link = PortalClient.objects.select_related("portal", "client").filter(client_id=client_id).first()
    if link is None:
        check_password(client_secret, _DUMMY_SECRET)
        return None
    return link.portal if link.client.check_secret(client_secret) else None


def events_for(portal: Portal, after: int, limit: int) -> list[Event]:
    """The portal's own events and the broadcasts, with a cursor greater than ``after``, oldest first."""
    limit = max(1, min(limit, PULL_LIMIT))
    return list(
        Event.objects.filter(Q(portal=portal) | Q(portal__isnull=True), id__gt=after).order_by("id")[:limit]
    )
