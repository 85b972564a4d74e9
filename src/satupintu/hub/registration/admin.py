from django.contrib import admin

from satupintu.hub.registration.models import Registration, TaxStatusRecord


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "user_id",
        "name",
        "npwp_canonical",
        "legal_form",
        "verifying_portal",
        "state",
        "submitted_at",
    )
    list_filter = ("state", "legal_form", "verifying_portal")
    search_fields = ("user_id", "name", "npwp_canonical", "email")
    # Decisions are the verifiers' (with their audit trail), not edits in the admin.
    readonly_fields = [f.name for f in Registration._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(TaxStatusRecord)
class TaxStatusRecordAdmin(admin.ModelAdmin):
    list_display = ("npwp_canonical", "status", "taxpayer_name", "checked_on", "loaded_at")
    list_filter = ("status",)
    search_fields = ("npwp_canonical", "taxpayer_name")
