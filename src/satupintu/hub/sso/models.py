from allauth.idp.oidc.models import Client
from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.hub.portals.models import Portal


class PortalClient(models.Model):
    """The OpenID Connect client through which one portal signs roaming vendors in."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.CASCADE, related_name="clients"
    )
    client = models.OneToOneField(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="portal_link"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("portal client")
        verbose_name_plural = _("portal clients")

    def __str__(self) -> str:
        return f"{self.portal.code}: {self.client_id}"
