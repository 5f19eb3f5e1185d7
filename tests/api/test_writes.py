"""API writes: scoped tokens, the actions' events, rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from livenews.core.timeutil import now
from livenews.events.models import Event

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_posting_an_entry_needs_a_token_with_the_live_scope(client, newsroom, issue):
    url = f"/api/v1/liveblogs/{newsroom.liveblog.pk}/entries"
    body = {"body_html": "<p>Crowd at the gates.</p><script>x</script>"}

    assert client.post(url, body, content_type="application/json").status_code == 401
    wrong = issue("alerts")
    refused = client.post(
        url, body, content_type="application/json", headers=bearer(wrong)
    )
    assert refused.status_code == 403
    before = Event.objects.count()

    answer = client.post(
        url, body, content_type="application/json", headers=bearer(issue("live"))
    )

    assert answer.status_code == 201
    entry = answer.json()
    assert entry["body_html"] == "<p>Crowd at the gates.</p>"
    assert entry["author"] == "Api"
    assert list(Event.objects.values_list("type", flat=True)[before:]) == [
        "liveentry.posted"
    ]


def test_alert_and_source_writes_go_through_their_actions(client, db, issue):
    secret = issue("alerts", "sources")
    alert = client.post(
        "/api/v1/alerts",
        {
            "headline": "Port closed",
            "expires_at": (now() + timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
        headers=bearer(secret),
    )
    assert alert.status_code == 201 and alert.json()["active"] is True
    assert Event.objects.filter(type="alert.created").count() == 1

    source = client.post(
        "/api/v1/sources",
        {"url": "https://new.example.org/feed", "name": "New"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert source.status_code == 201 and source.json()["health"] == "waiting"
    again = client.post(
        "/api/v1/sources",
        {"url": "https://new.example.org/feed"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert again.status_code == 400 and "already subscribed" in again.json()["detail"]
    bad = client.post(
        "/api/v1/sources",
        {"url": "javascript:alert(1)"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert bad.status_code == 400


def test_revoked_tokens_are_refused(client, db, issue):
    from livenews.api.models import ApiToken

    secret = issue("alerts")
    ApiToken.objects.update(revoked_at=now())
    answer = client.post(
        "/api/v1/alerts",
        {"headline": "x", "expires_at": (now() + timedelta(hours=1)).isoformat()},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert answer.status_code == 401


def test_tokens_are_stored_hashed(db, issue):
    from livenews.api.models import ApiToken

    secret = issue("live")
    token = ApiToken.objects.get()
    assert secret not in (token.token_hash, token.prefix)
    assert secret.startswith(token.prefix)


def test_clients_over_their_rate_get_429_with_retry_after(client, db, settings):
    settings.LIVENEWS = {**settings.LIVENEWS, "API_READ_RATE": 3}
    answers = [client.get("/api/v1/topics").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/topics")
    assert int(refused["Retry-After"]) >= 1
    other = client.get("/api/v1/topics", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_token_bucket_refills_with_time():
    from livenews.api.ratelimit import TokenBuckets

    buckets = TokenBuckets()
    assert [buckets.take("k", 60, moment=0.0) for _ in range(60)] == [0.0] * 60
    assert buckets.take("k", 60, moment=0.0) == pytest.approx(1.0)
    assert buckets.take("k", 60, moment=1.0) == 0.0


def test_token_writes_need_no_csrf_token(db, issue):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    answer = strict.post(
        "/api/v1/alerts",
        {
            "headline": "Port closed",
            "expires_at": (now() + timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
        headers=bearer(issue("alerts")),
    )
    assert answer.status_code == 201
