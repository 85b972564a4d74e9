from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "satupintu.hub.helpdesk"
    label = "helpdesk"
    verbose_name = _("Helpdesk")
