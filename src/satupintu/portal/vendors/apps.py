from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "satupintu.portal.vendors"
    # Labels of their own, so that they never clash with the hub's apps of the same concern.
    label = "portal_vendors"
    verbose_name = "Vendors"
