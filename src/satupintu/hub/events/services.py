"""Publishing identity changes to the portals. Call `publish` inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from satupintu.hub.events.models import Event
from satupintu.hub.portals.models import Portal


def publish(type: str, payload: dict[str, Any], *, portal: Portal | None = None) -> Event:
    return Event.objects.create(type=type, payload=payload, portal=portal)
