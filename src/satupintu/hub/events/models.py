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


class Subscription(models.Model):
    """Where one portal wants its events pushed, and the secret they are signed with.

    The secret is stored as is, not hashed: the hub needs its bytes to sign every delivery with
    HMAC-SHA256 (Standard Webhooks), so a hash would be useless. It is shown once, when `webhook set`
    issues it, and kept out of the admin, of ``__str__`` and of audit events and logs."""

    portal = models.OneToOneField(
        Portal, verbose_name=_("portal"), on_delete=models.CASCADE, related_name="webhook"
    )
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100)
    # The retry delays grow per portal, not per event: a portal down for days is tried every few hours
    # whichever of its events is at the head of its queue.
    failures = models.PositiveIntegerField(
        _("failed attempts in a row"), default=0, help_text=_("Back to 0 at the next delivery.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["portal__code"]

    def __str__(self) -> str:
        return f"{self.portal.code}: {self.url}"


class Delivery(models.Model):
    """One event on its way to one portal's webhook. Pending until a 2xx answer (``delivered_at``) or
    until the hub gives up after days of failures (``given_up_at``); the event stays pullable either
    way."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.CASCADE, related_name="deliveries"
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("given up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "portal"], name="one_delivery_per_portal")]
        indexes = [
            # The worker only ever looks at pending deliveries: keep that index small.
            models.Index(
                fields=["portal", "id"],
                condition=models.Q(delivered_at__isnull=True, given_up_at__isnull=True),
                name="delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.portal_id}"
