from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    LOCAL = "local", _("local account")
    # Told by the hub (events): the account became a User ID Tunggal, or an alias of one. Either way it
    # now signs in through the hub only.
    ACTIVATED = "activated", _("activated")
    LINKED = "linked", _("linked to a User ID Tunggal")
    # A vendor of another portal that signed in here through the hub: its profile comes from the claims.
    ROAMING = "roaming", _("roaming from another portal")


class Account(AbstractBaseUser):
    """Who signs in at this portal: a vendor's local account (imported from the portal's own export or
    created by a roaming sign-in) or a staff member of the LPSE."""

    user_id = models.CharField(_("user ID"), max_length=100)
    # The user ID as SPSE compares it (case-insensitive). NULL, not "", for a roaming profile: it has no
    # local password and never signs in locally, and unique allows any number of NULLs.
    user_id_key = models.CharField(max_length=100, unique=True, null=True, editable=False)  # noqa: DJ001
    is_staff = models.BooleanField(_("LPSE staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.LOCAL)
    # The hub's opaque subject once the hub has told us (events) or the vendor has roamed in.
    sub = models.CharField(_("subject at the hub"), max_length=64, blank=True, db_index=True)
    user_id_tunggal = models.CharField(_("User ID Tunggal"), max_length=100, blank=True)

    name = models.CharField(_("company name"), max_length=300, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    regency = models.CharField(_("regency or city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    status = models.CharField(_("head office or branch"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "user_id_key"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.user_id

    @property
    def signs_in_through_hub(self) -> bool:
        return self.state != State.LOCAL
