from django.contrib import admin

from livenews.live.models import Alert, LiveBlog, LiveEntry


class LiveEntryInline(admin.TabularInline):
    model = LiveEntry
    extra = 0
    fields = ("created_at", "body_html", "is_key_event", "is_pinned", "deleted_at")


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    list_display = ("title", "story", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("story",)
    inlines = [LiveEntryInline]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("headline", "created_at", "expires_at", "retracted_at")
