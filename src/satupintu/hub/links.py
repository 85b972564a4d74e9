"""Links the hub mails: always on its public address (``SATUPINTU_ISSUER``), never on the host and
scheme a request came in by, which behind a proxy are the proxy's and which a client may set itself."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def hub_url(name: str, *args) -> str:
    """The absolute address of the hub's page ``name`` (a URL name, with its arguments)."""
    return settings.SATUPINTU_ISSUER + reverse(name, args=args)
