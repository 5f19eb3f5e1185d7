from django.contrib import admin

from livenews.stories.models import Story, Topic


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "display_headline",
        "article_count",
        "source_count",
        "status",
        "pinned",
        "updated_at",
    )
    list_filter = ("status", "pinned")
    search_fields = ("headline", "editor_headline")
    filter_horizontal = ("topics",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
