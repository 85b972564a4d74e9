from django.contrib import admin

from satupintu.hub.helpdesk.models import Activity, Attachment, Evaluation, PublicAccount, Ticket


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ActivityInline(ReadOnlyInline):
    model = Activity
    fields = ("created_at", "kind", "author", "status_to", "body")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    # The file itself is served only through the ticket's page, to those who may see the ticket.
    fields = ("uploaded_at", "name", "pages", "size", "sha256", "uploaded_by")
    readonly_fields = fields


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = (*Evaluation.FIELDS, "comment", "created_at")
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Tickets are read here; they are answered on the helpdesk's pages, where each change is checked,
    audited and told to the requester."""

    list_display = ("number", "title", "category", "status", "portal", "requester", "assignee", "created_at")
    list_filter = ("status", "category", "portal")
    search_fields = ("title", "requester__username", "requester__email")
    date_hierarchy = "created_at"
    fields = (
        "title",
        "category",
        "kind",
        "source",
        "status",
        "portal",
        "requester",
        "assignee",
        "registration",
        "description",
        "created_at",
        "updated_at",
        "closed_at",
    )
    readonly_fields = fields
    inlines = [ActivityInline, AttachmentInline, EvaluationInline]
    list_select_related = ("portal", "requester", "assignee")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicAccount)
class PublicAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "confirmed_at")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "user__email")
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
