"""The hub's HTTP API for portals, mounted at /api/v1/ with its OpenAPI documentation at /api/v1/docs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from satupintu.hub.events.api import Throttled
from satupintu.hub.events.api import router as events_router

api = NinjaAPI(
    title="SatuPintu hub API",
    version="1",
    description="What the hub serves to aggregated portals. See docs/api.md for the whole contract.",
    urls_namespace="api-v1",
)
api.add_router("/", events_router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError):
    # One answer for a wrong client id and a wrong secret: it must not tell which.
    response = api.create_response(
        request,
        {"detail": _("Wrong or missing client credentials (HTTP Basic: client_id:client_secret).")},
        status=401,
    )
    response["WWW-Authenticate"] = 'Basic realm="satupintu"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled):
    response = api.create_response(
        request,
        {"detail": _("Too many wrong credentials from this address. Wait a few minutes.")},
        status=429,
    )
    response["Retry-After"] = "60"
    return response
