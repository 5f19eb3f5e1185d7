"""The WebSub callback: a hub verifies our subscription (GET) and pushes content
(POST). Pushed bodies are checked against the subscription's secret and handed
to the pipeline, the one place that stores articles."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from livenews import pipeline
from livenews.sources import websub
from livenews.sources.models import Source
from livenews.sources.parsers import NotAFeed


def _plain(body: str, status: int) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, source_id: int) -> HttpResponse:
    """Answer a hub's verification, or store what it pushed."""
    source = get_object_or_404(Source, pk=source_id)
    if request.method == "GET":
        challenge = websub.answer_verification(source, request.GET)
        if challenge is None:
            return _plain("no such subscription", 404)
        return _plain(challenge, 200)
    if len(request.body) > int(settings.LIVENEWS["MAX_BODY_BYTES"]):
        return _plain("too large", 413)
    signature = request.headers.get("X-Hub-Signature", "")
    if not websub.is_valid_signature(source.websub_secret, request.body, signature):
        # WebSub says to ignore such a delivery; the status tells the sender why.
        return _plain("bad or missing X-Hub-Signature", 403)
    try:
        pipeline.ingest_pushed(source, request.body, request.content_type or "")
    except NotAFeed as exc:
        return _plain(str(exc), 400)
    return _plain("", 202)
