from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "satupintu.portal.events"
    label = "portal_events"
    verbose_name = "Events from the hub"
