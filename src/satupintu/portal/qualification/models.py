"""Qualification data (*data kualifikasi*): what a vendor proves about itself at this portal. It stays
here: it is never sent to the hub, nor to other portals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Owned(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BusinessLicence(Owned):
    """*Izin usaha*: NIB, SIUP, SBU and the like."""

    class Kind(models.TextChoices):
        NIB = "nib", _("Business identification number (NIB)")
        SIUP = "siup", _("Trading business licence (SIUP)")
        SBU = "sbu", _("Construction business certificate (SBU)")
        OTHER = "other", _("Other licence")

    kind = models.CharField(_("licence type"), max_length=8, choices=Kind.choices)
    number = models.CharField(_("licence number"), max_length=100)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)

    class Meta:
        verbose_name = _("business licence")
        verbose_name_plural = _("business licences")
        ordering = ["kind", "number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class TaxRecord(Owned):
    """*Pajak*: the annual tax return the vendor has filed."""

    year = models.PositiveIntegerField(_("tax year"))
    receipt_number = models.CharField(_("receipt number (BPE)"), max_length=100)
    filed_on = models.DateField(_("filed on"))

    class Meta:
        verbose_name = _("tax return")
        verbose_name_plural = _("tax returns")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"SPT {self.year} {self.receipt_number}"


class Experience(Owned):
    """*Pengalaman*: a contract the vendor has completed."""

    work = models.CharField(_("work"), max_length=300)
    client = models.CharField(_("client"), max_length=200)
    contract_number = models.CharField(_("contract number"), max_length=100)
    contract_value = models.DecimalField(_("contract value, rupiah"), max_digits=16, decimal_places=0)
    completed_on = models.DateField(_("completed on"))

    class Meta:
        verbose_name = _("experience")
        verbose_name_plural = _("experience")
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.work} ({self.client})"
