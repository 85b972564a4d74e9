"""Writing audit events. Call `record` inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from satupintu.hub.audit.models import AuditEvent


def record(
    action: str, obj: models.Model | None = None, actor=None, actor_label: str = "", **data: Any
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (getattr(actor, "get_username", lambda: "")() if actor else "system"),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data,
    )
