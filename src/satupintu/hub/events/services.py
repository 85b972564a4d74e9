"""Publishing identity changes to the portals. Call these inside the transaction of the change, so that
an event exists exactly when its change does (the outbox)."""

from __future__ import annotations

from typing import Any

from satupintu.hub.events.models import Event
from satupintu.hub.portals.models import Portal
from satupintu.hub.vendors.claims import email_claims, profile_claims


def publish(type: str, payload: dict[str, Any], *, portal: Portal | None = None) -> Event:
    """One event for ``portal``, or for every aggregated portal when ``portal`` is None."""
    return Event.objects.create(type=type, payload=payload, portal=portal)


def publish_vendor_updated(user) -> Event:
    """Tell every aggregated portal a vendor's identity as it now stands, in the ID token's shapes."""
    return publish("vendor.updated", {"sub": str(user.sub), **profile_claims(user), **email_claims(user)})
