"""The API docs page, with Swagger UI served from django-ninja's own package.

Ninja's default page loads its script from a CDN, which the portal's CSP and
its no-internet rule forbid; this page loads the same files, shipped inside
the django-ninja wheel, from ``/api/v1/docs/assets/``.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from ninja.openapi.docs import DocsBase

ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{base}swagger-ui.css"></head>
<body data-csrf-token="" data-api-csrf="">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{base}swagger-ui-bundle.js"></script>
<script src="{base}swagger-ui-init.js"></script>
</body></html>
"""


class LocalSwagger(DocsBase):
    """Swagger UI with every file from this server."""

    def render_page(
        self, request: HttpRequest, api: Any, **kwargs: Any
    ) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout"}
        body = PAGE.format(
            title=escape(api.title),
            base=request.path.rstrip("/") + "/assets/",
            settings=json.dumps(settings).replace("<", "\\u003c"),
        )
        return HttpResponse(body)


def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    """Serve one Swagger UI file from the django-ninja package."""
    if name not in ASSETS:
        raise Http404("no such file")
    data = files("ninja").joinpath("static", "ninja", name).read_bytes()
    response = HttpResponse(data, content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response
