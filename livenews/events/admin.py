from django.contrib import admin

from livenews.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "channels", "created_at")
    list_filter = ("type",)
    readonly_fields = ("type", "channels", "payload", "created_at")
