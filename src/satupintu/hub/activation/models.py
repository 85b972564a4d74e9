from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.hub.vendors.models import PortalAccount


class UserIdChange(models.Model):
    """A user ID changed: at activation after a collision, or by the vendor later. The old ID is kept
    so that the portal, and the helpdesk, can still find the account by it."""

    account = models.ForeignKey(
        PortalAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="user_id_changes"
    )
    old_user_id = models.CharField(_("old user ID"), max_length=100)
    new_user_id = models.CharField(_("new user ID"), max_length=100)
    reason = models.CharField(_("reason"), max_length=40)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("user ID change")
        verbose_name_plural = _("user ID changes")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.old_user_id} → {self.new_user_id}"
