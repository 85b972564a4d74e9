from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.hub.portals.models import Portal


class State(models.TextChoices):
    """Where an account stands in activation (*aktivasi*)."""

    LOCAL = "local", _("not activated")
    ACTIVATED = "activated", _("activated: the User ID Tunggal")
    LINKED = "linked", _("linked to a User ID Tunggal (kept as an alias)")


class PortalAccount(models.Model):
    """A vendor (*penyedia*) account as a portal's SPSE export describes it.

    One row per (portal, user ID); user IDs are compared without regard to case. The stored password
    hash is kept as exported, to be verified and upgraded to argon2id at the first login.
    """

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="accounts"
    )
    user_id = models.CharField(_("user ID"), max_length=100)
    user_id_key = models.CharField(_("user ID (case-folded)"), max_length=100, db_index=True, editable=False)
    npwp = models.CharField(_("NPWP as exported"), max_length=40, blank=True)
    npwp_canonical = models.CharField(_("NPWP (16 digits)"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    address = models.TextField(_("address"), blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    regency = models.CharField(_("regency/city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    packages = models.PositiveIntegerField(_("packages"), default=0)
    registered_at = models.CharField(_("registered at"), max_length=19, blank=True)
    status = models.CharField(_("head office or branch"), max_length=10, blank=True)
    password_hash = models.CharField(_("password hash"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    # What activation made of the account. Database defaults, because imports write rows with COPY.
    state = models.CharField(
        _("activation"),
        max_length=10,
        choices=State.choices,
        default=State.LOCAL,
        db_default=State.LOCAL,
        db_index=True,
    )
    identity = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User ID Tunggal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_accounts",
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    verified = models.BooleanField(
        _("verified by its LPSE"),
        default=True,
        db_default=True,
        help_text=_("Exported accounts are verified; a new registration waits for its LPSE's verifier."),
    )

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        constraints = [
            models.UniqueConstraint(fields=["portal", "user_id_key"], name="account_unique_per_portal")
        ]
        ordering = ["portal__code", "user_id_key"]

    def __str__(self) -> str:
        return f"{self.portal.code}/{self.user_id}"


class ImportRun(models.Model):
    """One import of a portal export, with its counts; rejected rows are kept with it."""

    portal = models.ForeignKey(Portal, verbose_name=_("portal"), on_delete=models.PROTECT)
    file_name = models.CharField(_("file"), max_length=300)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("new accounts"), default=0)
    updated = models.PositiveIntegerField(_("changed accounts"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged accounts"), default=0)
    rejected = models.PositiveIntegerField(_("rejected rows"), default=0)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.portal.code} {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class ImportRejection(models.Model):
    """A row that an import did not take: its line, the field at fault and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField(_("line"))
    field = models.CharField(_("field"), max_length=40)
    reason = models.TextField(_("reason"))
    user_id = models.CharField(_("user ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["run", "line"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}"


class VendorProfile(models.Model):
    """The identity data of a vendor entity (a company or one branch) behind a User ID Tunggal, as every
    aggregated portal sees it. Qualification data is not here: it stays at each portal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User ID Tunggal"),
        on_delete=models.CASCADE,
        related_name="vendor",
    )
    home_portal = models.ForeignKey(
        Portal, verbose_name=_("home portal"), on_delete=models.PROTECT, related_name="home_vendors"
    )
    npwp_canonical = models.CharField(_("NPWP (16 digits)"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    address = models.TextField(_("address"), blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    regency = models.CharField(_("regency/city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(_("head office or branch"), max_length=10, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("vendor profile")
        verbose_name_plural = _("vendor profiles")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
