"""Applying the hub's events (docs/api.md, "Events to portals"), pushed or pulled, each exactly once."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.portal.events.models import AppliedEvent, PullCursor
from satupintu.portal.vendors import services as vendors
from satupintu.portal.vendors.models import State

log = logging.getLogger(__name__)
PAGE = 100


class Applied(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # applied before: nothing changed
    IGNORED = "ignored"  # not for this portal, or of a type this portal does not act on


def apply(message_id: str, type: str, data: Mapping[str, Any], *, source: str) -> Applied:
    """Apply one event unless its id has been applied before. The record of the id and the change commit
    together, so that a delivery cut off half-way is applied again in full."""
    try:
        with transaction.atomic():
            AppliedEvent.objects.create(message_id=message_id, type=type[:64], source=source)
            try:
                return _act(type, data)
            except (KeyError, TypeError, ValueError) as exc:
                # Kept as seen and passed over: refusing it would hold back every later event, pushed
                # (retried for days) or pulled (stuck at this cursor).
                log.error("event %s (%s) is malformed and was not applied: %r", message_id, type, exc)
                return Applied.IGNORED
    except IntegrityError:
        if AppliedEvent.objects.filter(message_id=message_id).exists():
            return Applied.DUPLICATE
        raise


def _act(type: str, data: Mapping[str, Any]) -> Applied:
    # Account events go to the account's own portal only: a payload naming another portal is not for us.
    account_event = type in {"account.activated", "account.linked", "account.user_id_changed"}
    if account_event and data.get("portal", settings.PORTAL_CODE) != settings.PORTAL_CODE:
        return Applied.IGNORED
    if type == "account.activated":
        vendors.mark_through_hub(
            str(data["user_id"]), State.ACTIVATED, str(data["sub"]), str(data["user_id_tunggal"])
        )
    elif type == "account.linked":
        vendors.mark_through_hub(
            str(data["user_id"]), State.LINKED, str(data["sub"]), str(data["user_id_tunggal"])
        )
    elif type == "account.user_id_changed":
        vendors.rename(str(data["user_id"]), str(data["new_user_id"]), data.get("sub"))
    elif type == "vendor.updated":
        vendors.update_identity(data)
    else:
        return Applied.IGNORED
    return Applied.APPLIED


class HubUnreachable(Exception):
    """The hub did not answer (refused, timed out, or an error status); the message says which."""


@dataclass(frozen=True)
class PullResult:
    applied: int
    duplicates: int
    cursor: int


def pull() -> PullResult:
    """Ask the hub for the events after the kept cursor and apply them, oldest first, page by page.

    Pushed events do not move the cursor: a broadcast from before this portal subscribed was never
    pushed, and a cursor moved past it would skip it. A pull passes over what was pushed as duplicates."""
    state = PullCursor.objects.get_or_create(pk=1)[0]
    applied = duplicates = 0
    url = f"{settings.PORTAL_HUB}/api/v1/events"
    auth = (settings.PORTAL_CLIENT_ID, settings.PORTAL_CLIENT_SECRET)
    try:
        with httpx.Client(timeout=settings.PORTAL_HUB_TIMEOUT, auth=auth) as client:
            while True:
                response = client.get(url, params={"after": state.cursor, "limit": PAGE})
                response.raise_for_status()
                page = response.json()
                events = page.get("events") or []
                for event in events:
                    outcome = apply(
                        str(event["id"]), str(event["type"]), event.get("data") or {}, source="pull"
                    )
                    applied += outcome is Applied.APPLIED
                    duplicates += outcome is Applied.DUPLICATE
                next_cursor = int(page.get("next_cursor") or state.cursor)
                moved = next_cursor > state.cursor
                state.cursor = max(state.cursor, next_cursor)
                # Forward only: a pull running at the same time may have gone further already.
                PullCursor.objects.filter(pk=1, cursor__lt=state.cursor).update(cursor=state.cursor)
                PullCursor.objects.filter(pk=1).update(pulled_at=timezone.now())
                if not events or not moved:
                    break
    except httpx.HTTPStatusError as exc:
        raise HubUnreachable(
            _("the hub answered with status %(status)d") % {"status": exc.response.status_code}
        ) from None
    except httpx.HTTPError as exc:
        raise HubUnreachable(
            _("the hub cannot be reached (%(problem)s)") % {"problem": exc.__class__.__name__}
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise HubUnreachable(_("the hub's answer cannot be read (%(problem)s)") % {"problem": exc}) from None
    return PullResult(applied, duplicates, state.cursor)


def status() -> dict[str, Any]:
    state = PullCursor.objects.filter(pk=1).first()
    return {
        "cursor": state.cursor if state else 0,
        "pulled_at": state.pulled_at if state else None,
        "applied": AppliedEvent.objects.count(),
        "recent": list(AppliedEvent.objects.all()[:10]),
    }
