from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "satupintu.hub.events"
    label = "events"
    verbose_name = _("events to portals")
