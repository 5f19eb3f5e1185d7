"""Front-page score, story status and topic names: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from livenews.stories import lifecycle, ranking
from livenews.stories.entities import extract_entities

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_more_outlets_and_a_faster_pace_rank_higher() -> None:
    base = ranking.front_score(3, 1.0, NOW, NOW)
    assert ranking.front_score(10, 1.0, NOW, NOW) > base
    assert ranking.front_score(3, 4.0, NOW, NOW) > base


def test_the_score_halves_every_half_life() -> None:
    fresh = ranking.front_score(5, 2.0, NOW, NOW)
    old = ranking.front_score(5, 2.0, NOW - ranking.HALF_LIFE, NOW)
    assert old == fresh / 2


def test_pins_sort_above_any_score() -> None:
    pinned = ranking.front_order_key(True, 0.1, NOW - timedelta(days=1))
    busy = ranking.front_order_key(False, 99.0, NOW)
    assert sorted([busy, pinned], reverse=True)[0] == pinned


def test_status_goes_from_developing_to_steady_to_closed() -> None:
    first = NOW - timedelta(hours=10)
    assert lifecycle.status(NOW - timedelta(hours=1), NOW, 0.0, NOW) == "developing"
    assert lifecycle.status(first, NOW, lifecycle.velocity(6), NOW) == "developing"
    assert lifecycle.status(first, NOW, lifecycle.velocity(1), NOW) == "steady"
    idle = NOW - lifecycle.WINDOW - timedelta(minutes=1)
    assert lifecycle.status(first, idle, 0.0, NOW) == "closed"


def test_titles_are_stripped_and_a_surname_joins_the_full_name() -> None:
    found = extract_entities(
        "President Lukashenko faces strikes",
        "Workers booed Aleksandr Lukashenko in Minsk. Lukashenko said he would "
        "stay. Minsk was calm.",
    )
    assert [(e.name, e.kind) for e in found] == [
        ("Aleksandr Lukashenko", "person"),
        ("Minsk", "place"),
    ]


def test_sentence_openers_and_names_said_once_are_not_topics() -> None:
    found = extract_entities("", "Police said the road was closed near Harlow.")
    assert found == []


def test_organisations_keep_their_connectors() -> None:
    found = extract_entities(
        "Bank of Norvasse raises rates", "The Bank of Norvasse met."
    )
    assert [(e.name, e.kind) for e in found] == [("Bank of Norvasse", "organisation")]


def test_a_boost_point_is_worth_one_half_life_of_freshness() -> None:
    older = NOW - ranking.HALF_LIFE
    boosted = ranking.front_score(5, 2.0, older, NOW, boost=1.0)
    assert boosted == ranking.front_score(5, 2.0, NOW, NOW)
    demoted = ranking.front_score(5, 2.0, NOW, NOW, boost=-1.0)
    assert demoted == ranking.front_score(5, 2.0, older, NOW)


def test_the_boost_is_capped_both_ways() -> None:
    top = ranking.front_score(5, 2.0, NOW, NOW, boost=ranking.BOOST_LIMIT)
    assert ranking.front_score(5, 2.0, NOW, NOW, boost=50.0) == top
    bottom = ranking.front_score(5, 2.0, NOW, NOW, boost=-ranking.BOOST_LIMIT)
    assert ranking.front_score(5, 2.0, NOW, NOW, boost=-50.0) == bottom
