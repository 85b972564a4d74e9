from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from satupintu.hub.mail.models import OutgoingEmail


class SentFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("sent", _("sent")), ("unsent", _("not sent yet"))]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """What the hub has sent, or still tries to send, and how many attempts it took. Read-only: the
    services write the rows, and deleting one would lose an email."""

    list_display = ("to", "purpose", "created_at", "attempts", "sent_at", "short_error")
    list_filter = ("purpose", SentFilter)
    search_fields = ("to",)
    date_hierarchy = "created_at"

    @admin.display(description=_("last error"))
    def short_error(self, email: OutgoingEmail) -> str:
        return Truncator(email.last_error).chars(60)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
