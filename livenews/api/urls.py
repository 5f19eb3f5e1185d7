from django.urls import path

from livenews.api.docs import docs_asset
from livenews.api.main import api, openapi_json

urlpatterns = [
    path("openapi.json", openapi_json, name="api-openapi"),
    path("docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("", api.urls),
]
