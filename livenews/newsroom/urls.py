from django.urls import path

from livenews.newsroom import article_views, auth_views, curation_views, views

app_name = "newsroom"

urlpatterns = [
    path("login/", auth_views.NewsroomLoginView.as_view(), name="login"),
    path("logout/", auth_views.sign_out, name="logout"),
    path("2fa/", auth_views.second_factor, name="second_factor"),
    path("", views.dashboard, name="dashboard"),
    path("liveblogs/start/", views.start_liveblog, name="start_liveblog"),
    path("liveblog/<int:liveblog_id>/", views.console, name="console"),
    path("liveblog/<int:liveblog_id>/post/", views.post_entry, name="post_entry"),
    path("liveblog/<int:liveblog_id>/end/", views.end_liveblog, name="end_liveblog"),
    path("entry/<int:entry_id>/edit/", views.edit_entry, name="edit_entry"),
    path("entry/<int:entry_id>/delete/", views.delete_entry, name="delete_entry"),
    path("entry/<int:entry_id>/pin/", views.pin_entry, name="pin_entry"),
    path("alerts/create/", views.create_alert, name="create_alert"),
    path("alert/<int:alert_id>/retract/", views.retract_alert, name="retract_alert"),
    path("audit/", views.audit_log, name="audit"),
    path("articles/", article_views.article_list, name="articles"),
    path("articles/new/", article_views.new_article, name="new_article"),
    path("articles/<int:draft_id>/", article_views.edit_article, name="article"),
    path("articles/<int:draft_id>/correct/", article_views.correct, name="correct"),
    path("stories/", curation_views.stories, name="stories"),
    path("story/<int:story_id>/", curation_views.story, name="story"),
    path(
        "story/<int:story_id>/headline/", curation_views.set_headline, name="headline"
    ),
    path("story/<int:story_id>/pin/", curation_views.set_pinned, name="pin_story"),
    path("story/<int:story_id>/boost/", curation_views.set_boost, name="boost_story"),
    path("story/<int:story_id>/summary/", curation_views.set_summary, name="summary"),
    path("story/<int:story_id>/merge/", curation_views.merge, name="merge"),
    path("story/<int:story_id>/split/", curation_views.split, name="split"),
    path("article/<int:article_id>/hide/", curation_views.hide_article, name="hide"),
    path("sources/", curation_views.sources, name="sources"),
    path("sources/add/", curation_views.add, name="add_source"),
    path("source/<int:source_id>/pause/", curation_views.pause, name="pause_source"),
    path(
        "source/<int:source_id>/hide/", curation_views.hide_source, name="hide_source"
    ),
]
