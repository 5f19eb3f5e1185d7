from django.urls import path, register_converter

from livenews.syndication import sitemaps, views


class FeedFormat:
    regex = "rss|atom|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedFormat, "feedformat")

app_name = "syndication"

urlpatterns = [
    path("feeds/front.<feedformat:fmt>", views.front_feed, name="front"),
    path("feeds/story/<int:story_id>.<feedformat:fmt>", views.story_feed, name="story"),
    path(
        "feeds/liveblog/<int:liveblog_id>.<feedformat:fmt>",
        views.liveblog_feed,
        name="liveblog",
    ),
    path("feeds/topic/<slug:slug>.<feedformat:fmt>", views.topic_feed, name="topic"),
    path(
        "feeds/section/<slug:section>.<feedformat:fmt>",
        views.section_feed,
        name="section",
    ),
    path("feeds/search.<feedformat:fmt>", views.search_feed, name="search"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemaps/news.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path(
        "sitemaps/day/<int:year>-<int:month>-<int:day>.xml",
        sitemaps.day_sitemap,
        name="day_sitemap",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
