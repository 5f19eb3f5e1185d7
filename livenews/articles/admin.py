from django.contrib import admin

from livenews.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "published_at", "story", "hidden", "is_sample")
    list_filter = ("hidden", "is_sample", "source")
    search_fields = ("title", "url")
    raw_id_fields = ("story", "duplicate_of", "source")
    date_hierarchy = "published_at"
