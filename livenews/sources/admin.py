from django.contrib import admin

from livenews.sources.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "url",
        "section",
        "health",
        "consecutive_failures",
        "last_success_at",
        "next_poll_at",
        "last_error",
    )
    list_filter = ("section", "paused", "is_sample")
    search_fields = ("name", "url")
