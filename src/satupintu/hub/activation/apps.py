from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationConfig(AppConfig):
    name = "satupintu.hub.activation"
    label = "activation"
    verbose_name = _("activation")
