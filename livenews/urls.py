from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("livenews.syndication.urls")),
    path("api/v1/", include("livenews.api.urls")),
    path("", include("livenews.web.urls")),
]

handler404 = "livenews.web.views.not_found"
