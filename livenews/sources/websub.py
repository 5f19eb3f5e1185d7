"""WebSub (PubSubHubbub 0.4) subscriptions: subscribe at the feed's hub, answer
the hub's verification, check the HMAC of deliveries, renew before the lease ends.

Content pushed by a hub arrives at a view in the web layer, which checks it
here (``is_valid_signature``) and hands it to the pipeline: this module never
stores articles. A subscribed source is still polled, rarely
(``LIVENEWS_WEBSUB_POLL_INTERVAL``), as a safety net against a silent hub.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.urls import reverse

from livenews.core.timeutil import now
from livenews.core.urlnorm import is_http_url
from livenews.sources.fetcher import USER_AGENT
from livenews.sources.models import Source
from livenews.sources.urlcheck import BlockedAddress, check_host_is_public

RENEW_BEFORE = timedelta(days=1)
# Hashes a hub may sign with (WebSub 0.4 section 8); sha1 is the old default.
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
           "sha512": hashlib.sha512}  # fmt: skip


def callback_url(source: Source) -> str:
    """Return the public URL where the hub reaches us for ``source``."""
    base = str(settings.LIVENEWS["WEBSUB_CALLBACK_URL"]).rstrip("/")
    return base + reverse("web:websub", args=[source.pk])


def should_subscribe(source: Source, hub_url: str) -> bool:
    """Return True when the feed announces a hub we are not subscribed to."""
    if not settings.LIVENEWS["WEBSUB_CALLBACK_URL"] or not is_http_url(hub_url):
        return False
    if source.websub_hub != hub_url:
        return True
    return source.websub_state not in ("pending", "active")


def _check_hub(hub_url: str) -> None:
    if settings.LIVENEWS["ALLOW_PRIVATE_SOURCES"]:
        return
    url = httpx.URL(hub_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    asyncio.run(check_host_is_public(url.host, port))


def subscribe(source: Source, hub_url: str, topic: str = "") -> str:
    """Ask ``hub_url`` to push ``source``'s feed to us; return "" or a reason."""
    topic = topic if is_http_url(topic) else source.url
    secret = secrets.token_hex(20)
    form = {
        "hub.mode": "subscribe",
        "hub.topic": topic,
        "hub.callback": callback_url(source),
        "hub.secret": secret,
        "hub.lease_seconds": str(settings.LIVENEWS["WEBSUB_LEASE_SECONDS"]),
    }
    # Recorded before asking: some hubs verify before they answer the POST.
    Source.objects.filter(pk=source.pk).update(
        websub_hub=hub_url[:2000],
        websub_topic=topic[:2000],
        websub_secret=secret,
        websub_state="pending",
    )
    source.websub_hub, source.websub_topic = hub_url, topic
    source.websub_secret, source.websub_state = secret, "pending"
    reason = ""
    try:
        _check_hub(hub_url)
        answer = httpx.post(
            hub_url, data=form, headers={"User-Agent": USER_AGENT}, timeout=10
        )
        if answer.status_code not in (202, 204):
            reason = f"WebSub hub refused the subscription: HTTP {answer.status_code}"
    except (httpx.HTTPError, OSError, BlockedAddress) as exc:
        reason = f"WebSub hub unreachable: {exc}"
    if reason:
        Source.objects.filter(pk=source.pk, websub_state="pending").update(
            websub_state=""
        )
        source.websub_state = ""
    return reason


def answer_verification(source: Source, params: Mapping[str, str]) -> str | None:
    """Return the challenge to echo when the hub's request matches ours, else None.

    Also records the outcome: a confirmed subscription with its lease, or a denial.
    """
    mode = params.get("hub.mode", "")
    if params.get("hub.topic") != source.websub_topic or not source.websub_topic:
        return None
    if mode == "denied":
        Source.objects.filter(pk=source.pk).update(websub_state="denied")
        return params.get("hub.challenge", "")
    if mode != "subscribe" or source.websub_state not in ("pending", "active"):
        return None
    challenge = params.get("hub.challenge", "")
    if not challenge:
        return None
    try:
        lease = int(params.get("hub.lease_seconds", ""))
    except ValueError:
        lease = int(settings.LIVENEWS["WEBSUB_LEASE_SECONDS"])
    Source.objects.filter(pk=source.pk).update(
        websub_state="active", websub_lease_until=now() + timedelta(seconds=lease)
    )
    return challenge


def is_valid_signature(secret: str, body: bytes, header: str) -> bool:
    """Return True when ``X-Hub-Signature`` ("sha256=hex…") signs ``body``."""
    method, _, given = header.strip().partition("=")
    digest = DIGESTS.get(method.lower())
    if not secret or digest is None or not given:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def list_due_renewals(moment: datetime) -> list[Source]:
    """Return active subscriptions whose lease ends within RENEW_BEFORE."""
    return list(
        Source.objects.filter(
            websub_state="active", websub_lease_until__lte=moment + RENEW_BEFORE
        )
    )


def renew_due_subscriptions() -> int:
    """Subscribe again where the lease is about to end; return how many asked."""
    renewed = 0
    for source in list_due_renewals(now()):
        if not subscribe(source, source.websub_hub, source.websub_topic):
            renewed += 1
    return renewed


def is_pushed(source: Source, moment: datetime) -> bool:
    """Return True when a hub currently pushes this source to us."""
    return (
        source.websub_state == "active"
        and source.websub_lease_until is not None
        and source.websub_lease_until > moment
    )
