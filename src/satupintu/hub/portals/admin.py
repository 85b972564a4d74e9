from django.contrib import admin

from satupintu.hub.portals.models import Portal


@admin.register(Portal)
class PortalAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "url", "aggregation_active", "implemented_on")
    list_filter = ("aggregation_active",)
    search_fields = ("code", "name")
