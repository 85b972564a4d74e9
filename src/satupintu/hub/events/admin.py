from django.contrib import admin

from satupintu.hub.events.models import Delivery, Event, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):
    """Events, deliveries and webhooks change through their services (audited), never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "portal", "created_at")
    list_filter = ("type",)
    search_fields = ("message_id",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "event",
        "portal",
        "attempts",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "given_up_at",
    )
    list_filter = ("portal",)
    list_select_related = ("event", "portal")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    # The signing secret is never shown: it is printed once, by `satupintu webhook set`.
    list_display = ("portal", "url", "updated_at")
    fields = ("portal", "url", "created_at", "updated_at")
    readonly_fields = fields
