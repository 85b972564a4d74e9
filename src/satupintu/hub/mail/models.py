from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One email the hub sends (the outbox). Written in the transaction of what it tells, sent after
    that transaction commits, and retried until the SMTP server takes it: the row is never deleted, so
    no email is lost while the server is down."""

    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), help_text=_("Plain text."))
    purpose = models.CharField(
        _("purpose"), max_length=60, db_index=True, help_text=_("Why it was sent, e.g. registration.confirm.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Kept after the email is sent: it tells why it was late.
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.to}"
