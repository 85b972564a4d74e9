from django.contrib import admin

from satupintu.hub.review.models import DecisionPair, ReviewDecision


class DecisionPairInline(admin.TabularInline):
    model = DecisionPair
    fields = ("other",)
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    """Decisions are read here; they are made in the review queue, where they are checked and audited."""

    list_display = ("decided_at", "kind", "account", "actor")
    list_filter = ("kind", "account__portal")
    search_fields = ("account__user_id", "reason")
    fields = ("kind", "account", "reason", "actor", "decided_at")
    readonly_fields = fields
    inlines = [DecisionPairInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
