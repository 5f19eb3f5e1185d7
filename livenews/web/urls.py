from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from livenews.web import liveblog_views, ops, views, websub

app_name = "web"

urlpatterns = [
    path("", views.front_page, name="front"),
    path("story/<int:story_id>/", views.story_page, name="story"),
    path("article/<int:article_id>/", views.article_page, name="article"),
    path("section/<slug:slug>/", views.section_page, name="section"),
    path("topic/<slug:slug>/", views.topic_page, name="topic"),
    path("sources/", views.sources_page, name="sources"),
    path("source/<int:source_id>/", views.source_page, name="source"),
    path("about/", views.about_page, name="about"),
    path("liveblog/", liveblog_views.liveblogs_page, name="liveblogs"),
    path("liveblog/<int:liveblog_id>/", liveblog_views.liveblog_page, name="liveblog"),
    path("websub/<int:source_id>/", websub.callback, name="websub"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("livenews/favicon.svg"), permanent=True),
    ),
    path("healthz", ops.healthz, name="healthz"),
    path("metrics", ops.metrics_text, name="metrics"),
]
