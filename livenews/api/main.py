"""The JSON API at /api/v1/: its endpoints, validators, 304s and rate limits."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from livenews.api import reads, search, writes  # noqa: F401 - they register endpoints
from livenews.api.docs import LocalSwagger
from livenews.api.ratelimit import BUCKETS, client_key, retry_after_header
from livenews.api.routes import router
from livenews.syndication.conditional import finish

View = Callable[..., HttpResponse]


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def guarded(view: View) -> View:
    """Refuse clients over their rate with 429; give GETs validators and 304s."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        conf = settings.LIVENEWS
        key, has_token = client_key(
            request.headers.get("Authorization", ""), client_address(request)
        )
        rate = int(conf["API_WRITE_RATE"] if has_token else conf["API_READ_RATE"])
        wait = BUCKETS.take(key, rate)
        if wait:
            refused = JsonResponse({"detail": "too many requests"}, status=429)
            refused["Retry-After"] = retry_after_header(wait)
            return refused
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            response = finish(request, response, None, int(conf["API_MAX_AGE"]))
            response["Vary"] = "Authorization"
        return response

    return wrapper


api = NinjaAPI(
    title="livenews API",
    version="1",
    description=(
        "Stories, articles, topics, sources, live blogs, alerts and events. "
        "Lists page with `cursor` (pass `next_cursor` back). Every GET answers "
        "`If-None-Match` with 304. Writes need `Authorization: Bearer <token>` "
        "with the right scope. Over the rate limit: 429 with `Retry-After`."
    ),
    docs=LocalSwagger(),
    urls_namespace="api",
)
api.add_router("", router)
api.add_decorator(guarded, mode="view")


@cache
def openapi_bytes() -> bytes:
    """The schema is fixed for the life of the process: build it once (~0.1 s)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, cls=DjangoJSONEncoder).encode()


def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI schema, with validators like every other GET."""
    response = HttpResponse(openapi_bytes(), content_type="application/json")
    return finish(request, response, None, int(settings.LIVENEWS["API_MAX_AGE"]))
