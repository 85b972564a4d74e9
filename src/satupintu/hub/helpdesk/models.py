"""The helpdesk: tickets that vendors and the public open, answered by the staff of the vendor's LPSE.

A ticket belongs to one portal (the LPSE that serves the vendor): only that portal's helpdesk staff and
LKPP's directorate see it. Its thread ("Recent Activity") keeps every reply and status change.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satupintu.hub.portals.models import Portal
from satupintu.hub.registration.models import Registration


class Category(models.TextChoices):
    REGISTRATION = "registration", _("Registration and document verification")
    ACTIVATION = "activation", _("Aggregation and activation")
    PASSWORD_RESET = "password_reset", _("Password reset")
    NPWP_CHANGE = "npwp_change", _("NPWP change")
    EMAIL_CHANGE = "email_change", _("Email change")
    USER_ID_LOOKUP = "user_id_lookup", _("User ID look-up")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    """How the request reached the helpdesk (staff record tickets taken by phone or at the desk)."""

    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone or WhatsApp")
    WALK_IN = "walk_in", _("At the LPSE office")
    OTHER = "other", _("Other")


class Kind(models.TextChoices):
    SERVICE_REQUEST = "service_request", _("Service request")
    PROBLEM = "problem", _("Problem report")
    QUESTION = "question", _("Question")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_FOR_VENDOR = "waiting_for_vendor", _("Waiting for the vendor")
    CLOSED = "closed", _("Closed")


# The service target of each category: how long a ticket may stay open before it is late. Registration
# includes the video call; a password reset locks a vendor out of every portal, so it comes first.
SERVICE_TARGET_HOURS = {
    Category.REGISTRATION: 72,
    Category.ACTIVATION: 48,
    Category.PASSWORD_RESET: 24,
    Category.NPWP_CHANGE: 72,
    Category.EMAIL_CHANGE: 48,
    Category.USER_ID_LOOKUP: 24,
    Category.OTHER: 72,
}

# The title seed 003 gives the online registration ticket.
REGISTRATION_TITLE = "Registrasi dan Verifikasi Berkas"


class Ticket(models.Model):
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SERVICE_REQUEST)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    portal = models.ForeignKey(
        Portal, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("LPSE handling it")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("requester"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("officer"),
    )
    # The registration that this ticket verifies online (category "registration").
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("registration"),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("handle_ticket", _("Can handle the helpdesk tickets of their own portal")),
            ("handle_any_portal", _("Can handle the helpdesk tickets of every portal")),
        ]
        constraints = [
            # One open online verification per registration: a second would split the documents.
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(registration__isnull=False) & ~models.Q(status="closed"),
                name="one_open_ticket_per_registration",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def number(self) -> str:
        return f"#{self.pk}"

    @property
    def service_target(self) -> timedelta:
        return timedelta(hours=SERVICE_TARGET_HOURS.get(self.category, 72))

    def age(self, now=None) -> timedelta:
        """Time since opening, up to the close for a closed ticket."""
        end = self.closed_at or now or timezone.now()
        return end - self.created_at

    def is_late(self, now=None) -> bool:
        return self.age(now) > self.service_target


class Activity(models.Model):
    """One line of a ticket's "Recent Activity": a reply, a status change, a scheduled video call."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply")
        STATUS = "status", _("status change")
        ATTACHMENT = "attachment", _("files added")
        SCHEDULE = "schedule", _("video call scheduled")
        DECISION = "decision", _("decision")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REPLY)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"), blank=True)
    status_to = models.CharField(max_length=20, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket activity")
        verbose_name_plural = _("ticket activities")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket}: {self.kind}"


def _upload_to(attachment: Attachment, filename: str) -> str:
    # The stored name says nothing of the vendor: the original name is kept in the row.
    return f"helpdesk/{timezone.now():%Y/%m}/{attachment.sha256[:2]}/{attachment.sha256}.pdf"


class Attachment(models.Model):
    """A PDF a vendor (or an officer) added to a ticket. Files are served only through the ticket's page,
    to those who may see the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Rating(models.IntegerChoices):
    NOT_SATISFACTORY = 1, _("Not satisfactory")
    LESS_SATISFACTORY = 2, _("Less satisfactory")
    SATISFYING = 3, _("Satisfying")
    VERY_SATISFACTORY = 4, _("Very satisfactory")


# The questions of the evaluation form (seed 003): six on how the service was handled, two on how the
# problem was handled.
SERVICE_QUESTIONS = (
    _("The officer answered promptly."),
    _("The officer was polite and helpful."),
    _("The officer's explanations were clear."),
    _("The requirements and steps were explained clearly."),
    _("The ticket's progress was easy to follow."),
    _("The service was free of charge and of any request for payment."),
)
PROBLEM_QUESTIONS = (
    _("The problem was solved."),
    _("The time to solve it was reasonable."),
)


class Evaluation(models.Model):
    """The requester's satisfaction evaluation of a closed ticket, each answer on a 4-point scale."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="evaluation")
    service_1 = models.PositiveSmallIntegerField(choices=Rating.choices)
    service_2 = models.PositiveSmallIntegerField(choices=Rating.choices)
    service_3 = models.PositiveSmallIntegerField(choices=Rating.choices)
    service_4 = models.PositiveSmallIntegerField(choices=Rating.choices)
    service_5 = models.PositiveSmallIntegerField(choices=Rating.choices)
    service_6 = models.PositiveSmallIntegerField(choices=Rating.choices)
    problem_1 = models.PositiveSmallIntegerField(choices=Rating.choices)
    problem_2 = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SERVICE_FIELDS = tuple(f"service_{n}" for n in range(1, 7))
    PROBLEM_FIELDS = ("problem_1", "problem_2")
    FIELDS = SERVICE_FIELDS + PROBLEM_FIELDS
    # Each answer's question, by its field.
    QUESTIONS = dict(zip(FIELDS, SERVICE_QUESTIONS + PROBLEM_QUESTIONS, strict=True))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.ticket}"


class PublicAccount(models.Model):
    """A hub account made at the helpdesk's sign-up, for the public and a vendor's staff without a portal
    account: it only opens and follows tickets. It stays inactive until the link mailed to it is followed,
    so that an address nobody reads never holds a user ID that signs in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="helpdesk_account",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    # The newest confirmation link's time: an account unconfirmed a day after it gives its user ID back.
    link_sent_at = models.DateTimeField(_("link sent at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("helpdesk account")
        verbose_name_plural = _("helpdesk accounts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.user)
