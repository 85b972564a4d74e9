from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceRequestsConfig(AppConfig):
    name = "satupintu.hub.servicerequests"
    label = "servicerequests"
    verbose_name = _("Service requests")

    def ready(self) -> None:
        from satupintu.hub.servicerequests import receivers  # noqa: F401  (connects the audit of resets)
