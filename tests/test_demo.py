"""The demo wire publishes the sample stories; the portal forms them into stories."""

from __future__ import annotations

import httpx
import pytest

from livenews.articles.models import Article
from livenews.demo.wire import DemoWire, load_samples
from livenews.pipeline import ingest_once
from livenews.sources.actions import subscribe_demo_wire
from livenews.sources.models import Source
from livenews.stories.models import Story


@pytest.fixture
def wire():
    demo = DemoWire(every=0.01)
    demo.start()
    yield demo
    demo.stop()


def test_wire_releases_samples_over_time_with_etags(wire):
    url = wire.feed_urls()[0][0]
    first = httpx.get(url)
    assert first.status_code == 200
    assert "Fictional; not real news." in first.text
    again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code in (200, 304)  # 200 only if a sample was released between
    assert httpx.get(wire.base_url + "/feeds/unknown.xml").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_every_sample_story_forms_one_story_as_the_wire_releases_it():
    ticks = [0.0]
    demo = DemoWire(every=1.0, clock=lambda: ticks[0])
    demo.start()
    try:
        subscribe_demo_wire(demo.feed_urls())
        _, samples = load_samples()
        for release in range(len(samples)):
            ticks[0] = float(release)  # the wire releases one more sample
            Source.objects.update(next_poll_at=None)
            ingest_once()
    finally:
        demo.stop()

    assert Article.objects.count() == len(samples)
    assert Article.objects.filter(is_sample=False).count() == 0
    stories = {s.story for s in samples}
    for key in stories:
        story_ids = set(
            Article.objects.filter(guid__contains=f"-0-{key}-").values_list(
                "story_id", flat=True
            )
        )
        assert len(story_ids) == 1, key
    assert Story.objects.count() == len(stories)


@pytest.mark.django_db
def test_resubscribing_pauses_the_sample_feeds_of_an_earlier_run():
    subscribe_demo_wire([("http://127.0.0.1:1/feeds/a.xml", "A (sample)", "world")])
    subscribe_demo_wire([("http://127.0.0.1:2/feeds/a.xml", "A (sample)", "world")])

    assert list(Source.objects.filter(paused=False).values_list("url", flat=True)) == [
        "http://127.0.0.1:2/feeds/a.xml"
    ]
