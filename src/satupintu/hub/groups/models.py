from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.aggregation.engine import Finding, Role
from satupintu.hub.vendors.models import PortalAccount


class AggregationRun(models.Model):
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        verbose_name = _("aggregation run")
        verbose_name_plural = _("aggregation runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class ActivationGroup(models.Model):
    """A company or branch found across portals (*grup aktivasi*): its accounts, its User ID Tunggal,
    and why the engine put them together."""

    group_id = models.CharField(_("group"), max_length=40, unique=True)
    npwp_canonical = models.CharField(_("NPWP (16 digits)"), max_length=16, blank=True, db_index=True)
    regency_code = models.CharField(_("regency code"), max_length=8, blank=True)
    size = models.PositiveIntegerField(_("accounts"), default=1, db_index=True)
    review = models.BooleanField(_("waiting for review"), default=False, db_index=True)
    findings = models.CharField(_("findings"), max_length=300, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("activation group")
        verbose_name_plural = _("activation groups")
        ordering = ["group_id"]

    def __str__(self) -> str:
        return self.group_id


class Membership(models.Model):
    """Where the latest aggregation put one account: its group, its role and its findings."""

    account = models.OneToOneField(
        PortalAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="membership"
    )
    group = models.ForeignKey(
        ActivationGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=[(r.value, r.value) for r in Role], db_index=True
    )
    # ';'-separated finding codes, as in GROUPS.csv
    findings = models.CharField(_("findings"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.account} → {self.group} ({self.role})"


FINDING_CHOICES = [(f.value, f.value) for f in Finding]
