from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from satupintu.hub.groups.models import FINDING_CHOICES, ActivationGroup, AggregationRun, Membership


class FindingFilter(admin.SimpleListFilter):
    """Filter by one finding code; findings are stored as ';'-separated codes."""

    title = _("finding")
    parameter_name = "finding"
    field = "findings"

    def lookups(self, request, model_admin):
        return FINDING_CHOICES

    def queryset(self, request, queryset):
        value = self.value()
        if value in dict(FINDING_CHOICES):
            return queryset.filter(**{f"{self.field}__contains": value})
        return queryset


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("account", "role", "findings")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class PortalOfGroupFilter(admin.SimpleListFilter):
    title = _("portal")
    parameter_name = "portal"

    def lookups(self, request, model_admin):
        from satupintu.hub.portals.models import Portal

        return list(Portal.objects.values_list("code", "code"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(memberships__account__portal__code=self.value()).distinct()
        return queryset


@admin.register(ActivationGroup)
class ActivationGroupAdmin(admin.ModelAdmin):
    list_display = ("group_id", "size", "review", "npwp_canonical", "regency_code", "findings")
    list_filter = ("review", FindingFilter, PortalOfGroupFilter)
    search_fields = ("group_id", "npwp_canonical", "memberships__account__user_id_key")
    readonly_fields = (
        "group_id",
        "npwp_canonical",
        "regency_code",
        "size",
        "review",
        "findings",
        "explanation",
    )
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccountFindingFilter(FindingFilter):
    field = "membership__findings"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("account", "role", "group", "findings")
    list_filter = ("role", FindingFilter, "account__portal")
    search_fields = ("account__user_id_key", "account__npwp_canonical", "group__group_id")
    list_select_related = ("account__portal", "group")
    readonly_fields = ("account", "group", "role", "findings")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AggregationRun)
class AggregationRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "finished_at")
    readonly_fields = ("started_at", "finished_at", "summary")

    def has_add_permission(self, request):
        return False
