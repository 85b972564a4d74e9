from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "satupintu.portal.tenders"
    label = "portal_tenders"
    verbose_name = "Packages"
