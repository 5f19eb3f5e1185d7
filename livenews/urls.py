from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# The admin asks for the second factor too (staff sign in at /newsroom/login/).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path("newsroom/", include("livenews.newsroom.urls")),
    path("", include("livenews.syndication.urls")),
    path("api/v1/", include("livenews.api.urls")),
    path("search/", include("livenews.search.urls")),
    path("", include("livenews.web.urls")),
]

handler404 = "livenews.web.views.not_found"
handler500 = "livenews.web.views.server_error"
