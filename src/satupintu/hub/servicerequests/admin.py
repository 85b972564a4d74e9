from django.contrib import admin

from satupintu.hub.servicerequests.models import ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    """Requests are read here; they are decided on their page, where the documents are checked and the
    decision is applied, audited and told."""

    list_display = ("submitted_at", "kind", "ticket", "vendor", "state", "decided_by", "decided_at")
    list_filter = ("kind", "state", "ticket__portal")
    search_fields = ("vendor__username", "given_user_id", "given_npwp", "new_npwp", "new_email")
    fields = [f.name for f in ServiceRequest._meta.fields if f.name != "id"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
