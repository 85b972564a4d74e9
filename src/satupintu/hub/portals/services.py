"""Registering portals."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from satupintu.hub.audit.services import record
from satupintu.hub.portals.models import Portal


@transaction.atomic
def add_portal(
    code: str,
    name: str,
    url: str,
    *,
    implemented_on: dt.date | None = None,
    aggregation_active: bool = False,
    actor=None,
) -> Portal:
    """Register a portal; raises ValidationError naming the field at fault."""
    portal = Portal(
        code=code.strip().lower(),
        name=name.strip(),
        url=url.strip(),
        implemented_on=implemented_on,
        aggregation_active=aggregation_active,
    )
    portal.full_clean()
    portal.save()
    record("portal.added", portal, actor, code=portal.code, aggregation_active=aggregation_active)
    return portal


__all__ = ["ValidationError", "add_portal"]
