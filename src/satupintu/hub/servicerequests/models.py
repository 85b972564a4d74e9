"""A request that the LPSE decides on the vendor's documents (seed 004, FAQ 8-10): a password reset for a
vendor that cannot sign in, an NPWP change, an email change. Each one is a helpdesk ticket at the LPSE
that serves the vendor, where the scans and the conversation live; the request holds what is asked and
what was decided."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.hub.helpdesk.models import Ticket
from satupintu.hub.servicerequests.documents import Kind


class ServiceRequest(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for the LPSE")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, related_name="service_request", verbose_name=_("ticket")
    )
    # The User ID Tunggal concerned. A signed-in vendor's own for a change; for a password reset, the
    # vendor whose user ID and NPWP the requester gave, when both match one (else empty, and the officer
    # sees that they do not).
    vendor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("vendor"),
    )
    # What the requester of a password reset typed, kept as typed for the officer.
    given_user_id = models.CharField(_("user ID given"), max_length=100, blank=True)
    given_npwp = models.CharField(_("NPWP given (16 digits)"), max_length=16, blank=True)
    new_npwp = models.CharField(_("new NPWP (16 digits)"), max_length=16, blank=True)
    new_email = models.EmailField(_("new email"), max_length=254, blank=True)
    delivery_email = models.EmailField(
        _("email for the new-password link"),
        max_length=254,
        blank=True,
        help_text=_("For a password reset: where the link to set a new password goes."),
    )
    # The positions in the kind's checklist (documents.checklist) that the officer ticked.
    documents_presented = models.JSONField(_("documents presented"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (#{self.ticket_id})"
