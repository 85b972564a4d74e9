import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.hub.portals.models import Portal


class Event(models.Model):
    """An identity change that portals must hear of (the outbox). Written in the same transaction as the
    change; delivered at least once, and readable again from the pull endpoint by its ``id`` (the
    cursor). Qualification data is never an event: it stays at its portal."""

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=64, db_index=True)
    portal = models.ForeignKey(
        Portal,
        verbose_name=_("for portal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: for every aggregated portal."),
    )
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"
