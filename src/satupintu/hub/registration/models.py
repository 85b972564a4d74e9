from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from satupintu.hub.portals.models import Portal
from satupintu.hub.registration.documents import LegalForm


class RegistrationLink(models.Model):
    """Stage 1: the single-use link mailed to an address that asked to register. Only the link's hash
    is kept, so that a copy of the database opens no registration."""

    email = models.EmailField(_("email"), max_length=254)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration link")
        verbose_name_plural = _("registration links")

    def __str__(self) -> str:
        return self.email


class OfficeStatus(models.TextChoices):
    PUSAT = "pusat", _("Head office (pusat)")
    CABANG = "cabang", _("Branch (cabang)")


class TaxStatus(models.TextChoices):
    """The answer of the tax-status check (KSWP)."""

    VALID = "valid", _("valid")
    INVALID = "invalid", _("not valid")
    UNKNOWN = "unknown", _("not known to the check")


class VerificationMethod(models.TextChoices):
    IN_PERSON = "in_person", _("in person, with the originals")
    ONLINE = "online", _("online, with PDF files and a video call")


class Registration(models.Model):
    """Stage 2: a vendor's registration, waiting for its LPSE to verify the documents."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for verification")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    link = models.OneToOneField(RegistrationLink, on_delete=models.PROTECT, related_name="registration")
    email = models.EmailField(_("email"), max_length=254)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    office_status = models.CharField(_("head office or branch"), max_length=10, choices=OfficeStatus.choices)
    npwp_canonical = models.CharField(_("NPWP (16 digits)"), max_length=16, db_index=True)
    tax_status = models.CharField(_("KSWP status"), max_length=10, choices=TaxStatus.choices)
    user_id = models.CharField(_("user ID"), max_length=100)
    name = models.CharField(_("name"), max_length=300)
    address = models.TextField(_("address"))
    province = models.CharField(_("province"), max_length=100)
    regency = models.CharField(_("regency/city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5)
    phone = models.CharField(_("phone"), max_length=40)
    verifying_portal = models.ForeignKey(
        Portal, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("verifying LPSE")
    )
    # Accounts the engine could not tell apart from this vendor (an uncertain address): the verifier
    # sees them and decides. Each is {"portal": code, "user_id": ...}.
    possible_duplicates = models.JSONField(default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The hub account made at submission: it holds the user ID and the password, signs in to follow the
    # verification at the helpdesk, and becomes the User ID Tunggal when the LPSE approves.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="registration",
        verbose_name=_("hub account"),
    )

    # The verification (seed 003): in person at the LPSE, or online through a helpdesk ticket and a
    # video call.
    method = models.CharField(
        _("verification"), max_length=10, choices=VerificationMethod.choices, blank=True
    )
    video_call_at = models.DateTimeField(_("video call at"), null=True, blank=True)
    video_call_note = models.CharField(_("how the call is made"), max_length=300, blank=True)
    originals_seen = models.JSONField(_("originals seen"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verifier"),
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        permissions = [
            ("verify_registration", _("Can verify the registrations of their own portal")),
            ("verify_any_portal", _("Can verify the registrations of every portal")),
        ]
        constraints = [
            # A user ID is held from submission on. (Its hub account holds it too, after a rejection as well.)
            models.UniqueConstraint(
                Lower("user_id"),
                condition=~models.Q(state="rejected"),
                name="registration_user_id_held",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.name})"


class TaxStatusRecord(models.Model):
    """A row of the table behind the offline KSWP check, loaded by operators from DJP's answers
    (`satupintu kswp load`)."""

    npwp_canonical = models.CharField(_("NPWP (16 digits)"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=TaxStatus.choices)
    taxpayer_name = models.CharField(_("taxpayer name"), max_length=300, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("tax status (KSWP)")
        verbose_name_plural = _("tax statuses (KSWP)")

    def __str__(self) -> str:
        return f"{self.npwp_canonical}: {self.status}"
