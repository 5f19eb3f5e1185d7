"""Operations endpoints: /healthz and /metrics."""

from __future__ import annotations

from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from livenews.core import metrics  # noqa: F401 - registers the portal's metrics


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the process is up and the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": f"unreachable: {exc}"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def metrics_text(request: HttpRequest) -> HttpResponse:
    """Serve this process's metrics in the Prometheus text format."""
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
