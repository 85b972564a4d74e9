import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from satupintu.hub.accounts.validators import user_id_validator


class HubUserManager(UserManager):
    def get_by_natural_key(self, username):
        # User IDs are case-insensitive everywhere: CAHAYA, Cahaya and cahaya are one account.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """An account of the hub: a vendor's User ID Tunggal, or a member of staff (LPSE, directorate).

    ``username`` is the user ID; it is unique without regard to case, across every aggregated portal.
    ``sub`` is the stable, opaque subject that portals receive through OpenID Connect: it never changes
    when the user ID does.
    """

    username = models.CharField(
        _("user ID"),
        max_length=100,
        unique=True,
        validators=[user_id_validator],
        error_messages={"unique": _("This user ID is already taken.")},
    )
    sub = models.UUIDField(_("subject"), default=uuid.uuid4, unique=True, editable=False)
    portal = models.ForeignKey(
        "portals.Portal",
        verbose_name=_("portal of staff"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("For LPSE staff: the portal whose vendors they serve. Empty for vendors and LKPP."),
    )

    objects = HubUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [models.UniqueConstraint(Lower("username"), name="user_id_unique_ignoring_case")]
