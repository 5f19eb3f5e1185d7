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
        "items_per_day_shown",
        "median_fetch_ms",
        "poll_every",
        "last_success_at",
        "next_poll_at",
        "last_error",
    )
    list_filter = ("section", "paused", "stalled", "is_sample")
    search_fields = ("name", "url")
    readonly_fields = (
        "etag",
        "last_modified",
        "next_poll_at",
        "last_fetched_at",
        "last_success_at",
        "last_new_item_at",
        "newest_item_at",
        "last_status",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "stalled",
        "items_per_day",
        "median_fetch_ms",
        "recent_fetch_ms",
        "learned_interval",
        "lease_owner",
        "lease_until",
    )

    @admin.display(description="items/day", ordering="items_per_day")
    def items_per_day_shown(self, source: Source) -> str:
        rate = source.items_per_day
        return "" if rate is None else f"{rate:.1f}"

    @admin.display(description="polled every")
    def poll_every(self, source: Source) -> str:
        from livenews.sources.actions import effective_interval

        seconds = effective_interval(source)
        own = " (set)" if source.poll_interval else ""
        return f"{seconds // 60} min{own}" if seconds >= 60 else f"{seconds} s{own}"
