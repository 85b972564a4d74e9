"""The pull endpoint: a portal reads its events again, from the last cursor it applied."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthorizationError
from ninja.security import HttpBasicAuth

from satupintu.hub.events import services
from satupintu.hub.portals.models import Portal

# allauth's counter of failed credential checks, per IP address (settings.ACCOUNT_RATE_LIMITS).
RATE_LIMIT_ACTION = "api_auth_failed"


class Throttled(Exception):
    """Too many wrong credentials from this address: answered 429."""


def _consume(request: HttpRequest, *, dry_run: bool = False) -> bool:
    # The internal function: the public `allauth.core.ratelimit.consume` never limits GET requests.
    usage = ratelimit.consume(
        request, app="allauth.account", action=RATE_LIMIT_ACTION, dry_run=dry_run, limit_get=True
    )
    return usage is not None


class PortalClientAuth(HttpBasicAuth):
    """HTTP Basic with the portal's OpenID Connect client id and secret."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Portal | None:
        if not _consume(request, dry_run=True):
            raise Throttled
        portal = services.authenticated_portal(username, password)
        if portal is None:
            _consume(request)
        return portal


class EventOut(Schema):
    id: str = Field(description="The event's id (a UUID): the same as the webhook-id header of a push.")
    cursor: int
    type: str
    timestamp: str = Field(description="When the change happened (ISO 8601, with offset).")
    data: dict


class EventsOut(Schema):
    events: list[EventOut]
    next_cursor: int = Field(description="Keep it once these events are applied; ask with after=it next.")


class EventsQuery(Schema):
    after: int = Field(0, ge=0, description="The last cursor applied (0: from the start).")
    limit: int = Field(
        100,
        ge=1,
        description=f"How many events at most; more than {services.PULL_LIMIT} gives {services.PULL_LIMIT}.",
    )


router = Router(tags=["events"])


@router.get("/events", response=EventsOut, auth=PortalClientAuth(), summary="Events for the calling portal")
def list_events(request: HttpRequest, query: Query[EventsQuery]):
    """The calling portal's events and the broadcasts, with a cursor greater than ``after``, oldest
    first. Only aggregated portals may read them."""
    portal: Portal = request.auth
    if not portal.aggregation_active:
        raise AuthorizationError(message=_("This portal is not aggregated: it receives no events."))
    events = services.events_for(portal, query.after, query.limit)
    return {
        "events": [services.envelope(e) for e in events],
        "next_cursor": events[-1].id if events else query.after,
    }
