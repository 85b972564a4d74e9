from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from satupintu.hub.groups.admin import AccountFindingFilter
from satupintu.hub.vendors.models import ImportRejection, ImportRun, PortalAccount


@admin.register(PortalAccount)
class PortalAccountAdmin(admin.ModelAdmin):
    list_display = ("user_id", "portal", "name", "npwp", "regency", "packages", "role", "findings")
    list_filter = ("portal", "membership__role", AccountFindingFilter)
    search_fields = ("user_id_key", "npwp_canonical", "name", "email")
    list_select_related = ("portal", "membership")
    exclude = ("password_hash",)
    readonly_fields = [f.name for f in PortalAccount._meta.fields if f.name != "password_hash"] + [
        "group_link"
    ]

    @admin.display(description=_("role"))
    def role(self, obj):
        return getattr(getattr(obj, "membership", None), "role", "")

    @admin.display(description=_("findings"))
    def findings(self, obj):
        return getattr(getattr(obj, "membership", None), "findings", "")

    @admin.display(description=_("group"))
    def group_link(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.group.group_id if membership else ""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RejectionInline(admin.TabularInline):
    model = ImportRejection
    fields = ("line", "field", "user_id", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "portal",
        "file_name",
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("portal",)
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    inlines = [RejectionInline]

    def has_add_permission(self, request):
        return False
