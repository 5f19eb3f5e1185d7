"""WebSub: subscribe at the hub a feed names, answer the hub's verification,
store only deliveries signed with our secret, renew, and poll rarely meanwhile."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from django.conf import settings

from livenews.articles.models import Article
from livenews.pipeline import ingest_once
from livenews.sources import websub
from livenews.sources.actions import add_source, effective_interval
from livenews.sources.models import Source
from tests.support.feeds import Item, rss

pytestmark = pytest.mark.django_db(transaction=True)

PORTAL = "https://portal.example.org"


@pytest.fixture(autouse=True)
def callback_base(monkeypatch):
    monkeypatch.setitem(settings.LIVENEWS, "WEBSUB_CALLBACK_URL", PORTAL)


def items(prefix: str, count: int = 2) -> list[Item]:
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    return [
        Item(
            guid=f"{prefix}-{n}",
            title=f"Glacier survey {prefix} finds the ice front retreating, {n}",
            link=f"https://science.example.org/{prefix}/{n}",
            published=when + timedelta(minutes=n),
        )
        for n in range(count)
    ]


def feed_with_hub(hub: str, self_url: str, entries: list[Item]) -> str:
    links = (
        '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" '
        f'href="{hub}"/><atom:link xmlns:atom="http://www.w3.org/2005/Atom" '
        f'rel="self" href="{self_url}"/>'
    )
    return rss(entries).replace("<channel>", "<channel>" + links, 1)


def subscribed_source(feed_server) -> tuple[Source, dict[str, list[str]]]:
    hub = feed_server.serve("/hub", status=202)
    url = feed_server.url("/feed.xml")
    feed_server.serve("/feed.xml", feed_with_hub(hub, url, items("polled")))
    source = add_source(url)
    ingest_once()
    assert len(feed_server.posts) == 1
    path, _, body = feed_server.posts[0]
    assert path == "/hub"
    source.refresh_from_db()
    return source, parse_qs(body.decode())


def sign(secret: str, body: bytes, method: str = "sha256") -> str:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()
    return f"{method}={digest}"


def test_a_feed_naming_a_hub_is_subscribed_there(feed_server):
    source, form = subscribed_source(feed_server)

    assert form["hub.mode"] == ["subscribe"]
    assert form["hub.topic"] == [source.url]
    assert form["hub.callback"] == [f"{PORTAL}/websub/{source.pk}/"]
    assert form["hub.secret"] == [source.websub_secret]
    assert len(source.websub_secret) >= 32
    assert source.websub_state == "pending"
    assert Article.objects.filter(source=source).count() == 2  # polled as usual


def test_the_hubs_verification_is_answered_and_activates_the_lease(feed_server, client):
    source, _ = subscribed_source(feed_server)
    path = f"/websub/{source.pk}/"

    wrong = client.get(
        path,
        {
            "hub.mode": "subscribe",
            "hub.topic": "https://other.example/feed",
            "hub.challenge": "abc",
        },
    )
    right = client.get(
        path,
        {
            "hub.mode": "subscribe",
            "hub.topic": source.url,
            "hub.challenge": "c4a1",
            "hub.lease_seconds": "86400",
        },
    )

    assert wrong.status_code == 404
    assert right.status_code == 200
    assert right.content == b"c4a1"
    source.refresh_from_db()
    assert source.websub_state == "active"
    assert websub.is_pushed(source, datetime.now(UTC))
    left = source.websub_lease_until - datetime.now(UTC)
    assert timedelta(hours=23) < left <= timedelta(days=1)
    # While pushed, the source is polled only as a safety net.
    assert effective_interval(source) == settings.LIVENEWS["WEBSUB_POLL_INTERVAL"]


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha512"])
def test_a_signed_delivery_is_stored(feed_server, client, method):
    source, _ = subscribed_source(feed_server)
    body = rss(items("pushed")).encode()

    answer = client.post(
        f"/websub/{source.pk}/",
        body,
        content_type="application/rss+xml",
        headers={"X-Hub-Signature": sign(source.websub_secret, body, method)},
    )

    assert answer.status_code == 202
    guids = set(Article.objects.filter(source=source).values_list("guid", flat=True))
    assert {"pushed-0", "pushed-1"} <= guids


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "md5=abc", "sha256"],
    ids=["missing", "wrong", "unknown-method", "no-digest"],
)
def test_an_unsigned_or_forged_delivery_is_refused(feed_server, client, signature):
    source, _ = subscribed_source(feed_server)
    body = rss(items("forged")).encode()
    headers = {"X-Hub-Signature": signature} if signature else {}

    answer = client.post(
        f"/websub/{source.pk}/",
        body,
        content_type="application/rss+xml",
        headers=headers,
    )

    assert answer.status_code == 403
    assert not Article.objects.filter(guid__startswith="forged").exists()


def test_a_delivery_signed_with_another_secret_is_refused(feed_server, client):
    source, _ = subscribed_source(feed_server)
    body = rss(items("other")).encode()

    answer = client.post(
        f"/websub/{source.pk}/",
        body,
        content_type="application/rss+xml",
        headers={"X-Hub-Signature": sign("not-our-secret", body)},
    )

    assert answer.status_code == 403


def test_leases_ending_within_a_day_are_renewed(feed_server):
    source, _ = subscribed_source(feed_server)
    Source.objects.filter(pk=source.pk).update(
        websub_state="active",
        websub_lease_until=datetime.now(UTC) + timedelta(hours=2),
    )
    later = add_source("https://later.example.org/feed.xml")
    Source.objects.filter(pk=later.pk).update(
        websub_state="active",
        websub_hub=source.websub_hub,
        websub_lease_until=datetime.now(UTC) + timedelta(days=5),
    )

    assert websub.renew_due_subscriptions() == 1

    assert len(feed_server.posts) == 2
    renewed = parse_qs(feed_server.posts[1][2].decode())
    assert renewed["hub.topic"] == [source.url]
    source.refresh_from_db()
    assert source.websub_state == "pending"


def test_without_a_public_address_nothing_is_subscribed(feed_server, monkeypatch):
    monkeypatch.setitem(settings.LIVENEWS, "WEBSUB_CALLBACK_URL", "")
    hub = feed_server.serve("/hub", status=202)
    url = feed_server.serve("/feed.xml", feed_with_hub(hub, "", items("p")))
    add_source(url)

    ingest_once()

    assert feed_server.posts == []


def test_a_hub_refusing_the_subscription_leaves_polling_as_it_was(feed_server):
    hub = feed_server.serve("/hub", status=400)
    url = feed_server.url("/feed.xml")
    feed_server.serve("/feed.xml", feed_with_hub(hub, url, items("p")))
    source = add_source(url)

    ingest_once()

    source.refresh_from_db()
    assert source.websub_state == ""
    assert source.health == "ok"
    assert not websub.is_pushed(source, datetime.now(UTC))
