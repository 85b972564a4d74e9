from django.db import models
from django.utils.translation import gettext_lazy as _


class AppliedEvent(models.Model):
    """An event of the hub this portal has applied, by its ``webhook-id``: the hub delivers at least
    once, so a repeat must find it here and change nothing."""

    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=64)
    # How it came: pushed by the hub or pulled by the portal.
    source = models.CharField(_("source"), max_length=8)
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("applied event")
        verbose_name_plural = _("applied events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.type}"


class PullCursor(models.Model):
    """The last ``next_cursor`` of the hub's pull endpoint this portal has applied (one row)."""

    cursor = models.BigIntegerField(_("cursor"), default=0)
    pulled_at = models.DateTimeField(_("last pulled"), null=True, blank=True)

    def __str__(self) -> str:
        return str(self.cursor)
