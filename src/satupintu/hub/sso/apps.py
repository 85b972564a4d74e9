from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "satupintu.hub.sso"
    label = "sso"
    verbose_name = _("roaming sign-on")

    def ready(self) -> None:
        from satupintu.hub.sso import signing

        signing.install()
