"""next_poll_at: steady interval, exponential backoff with jitter, capped."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livenews.sources.schedule import (
    JITTER,
    MAX_BACKOFF,
    SPREAD,
    STALL_FACTOR,
    STALL_FLOOR,
    adaptive_interval,
    is_stalled,
    next_poll_at,
    usual_gap,
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def delay(**kwargs: object) -> float:
    """Return the seconds from NOW to the next poll for ``kwargs``."""
    return (next_poll_at(NOW, **kwargs) - NOW).total_seconds()  # type: ignore[arg-type]


def test_healthy_source_is_polled_after_its_interval_or_a_little_before() -> None:
    assert 900 * (1 - SPREAD) <= delay(interval=900) <= 900


def test_healthy_sources_due_together_drift_apart_never_later() -> None:
    rng = random.Random(11)
    delays = [delay(interval=600, rng=rng) for _ in range(50)]
    assert len(set(delays)) == 50
    assert min(delays) >= 600 * (1 - SPREAD)
    assert max(delays) <= 600


def test_result_keeps_the_timezone_of_now() -> None:
    assert next_poll_at(NOW, 60).tzinfo is UTC


def test_first_failure_doubles_the_interval_within_jitter() -> None:
    seconds = delay(interval=600, failures=1, rng=random.Random(1))
    assert 1200 * (1 - JITTER) <= seconds <= 1200 * (1 + JITTER)
    assert seconds != 1200  # the jitter moved it


def test_backoff_grows_exponentially_with_failures() -> None:
    # Same seed, same jitter factor: the ratio between steps is exactly 2.
    delays = [delay(interval=60, failures=n, rng=random.Random(7)) for n in range(1, 6)]
    ratios = [later / earlier for earlier, later in pairwise(delays)]
    assert ratios == pytest.approx([2.0, 2.0, 2.0, 2.0], rel=1e-6)


def test_jitter_spreads_sources_that_failed_together() -> None:
    rng = random.Random(42)
    delays = [delay(interval=600, failures=2, rng=rng) for _ in range(50)]
    assert len(set(delays)) == 50
    assert min(delays) >= 2400 * (1 - JITTER)
    assert max(delays) <= 2400 * (1 + JITTER)


def test_same_seed_gives_the_same_time() -> None:
    first = next_poll_at(NOW, 300, failures=3, rng=random.Random(5))
    again = next_poll_at(NOW, 300, failures=3, rng=random.Random(5))
    assert first == again


def test_backoff_is_capped_at_six_hours_plus_jitter() -> None:
    rng = random.Random(3)
    delays = [delay(interval=900, failures=n, rng=rng) for n in range(8, 60)]
    assert MAX_BACKOFF == 6 * 3600
    low, high = MAX_BACKOFF * (1 - JITTER), MAX_BACKOFF * (1 + JITTER)
    assert all(low <= d <= high for d in delays)


def test_huge_failure_count_does_not_overflow() -> None:
    seconds = delay(interval=900, failures=10_000, rng=random.Random(0))
    assert seconds <= MAX_BACKOFF * (1 + JITTER)


def test_custom_cap_is_used() -> None:
    seconds = delay(interval=600, failures=10, max_backoff=3600, rng=random.Random(0))
    assert 3600 * (1 - JITTER) <= seconds <= 3600 * (1 + JITTER)


def test_retry_after_longer_than_backoff_wins() -> None:
    assert delay(interval=60, retry_after=1800) == 1800


def test_retry_after_shorter_than_interval_does_not_shorten_it() -> None:
    assert 900 * (1 - SPREAD) <= delay(interval=900, retry_after=30) <= 900


def test_retry_after_is_capped() -> None:
    assert delay(interval=60, retry_after=7 * 24 * 3600) == MAX_BACKOFF
    assert delay(interval=60, retry_after=10**9, max_backoff=600) == 600


def test_retry_after_with_failures_takes_the_later_time() -> None:
    seconds = delay(interval=60, failures=1, retry_after=5000, rng=random.Random(0))
    assert seconds == 5000


def test_zero_interval_still_waits_a_second() -> None:
    assert delay(interval=0) == 1


@given(
    interval=st.integers(min_value=0, max_value=7 * 24 * 3600),
    failures=st.integers(min_value=0, max_value=1000),
    retry_after=st.none() | st.integers(min_value=-10, max_value=10**9),
    max_backoff=st.integers(min_value=1, max_value=MAX_BACKOFF),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_next_poll_is_after_now_and_never_beyond_the_capped_jitter(
    interval: int, failures: int, retry_after: int | None, max_backoff: int, seed: int
) -> None:
    when = next_poll_at(
        NOW,
        interval,
        failures=failures,
        retry_after=retry_after,
        max_backoff=max_backoff,
        rng=random.Random(seed),
    )
    assert when > NOW
    limit = max(interval if not failures else 0, max_backoff * (1 + JITTER), 1)
    assert when - NOW <= timedelta(seconds=limit)


@given(
    failures=st.integers(min_value=1, max_value=1000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_failing_source_never_waits_beyond_the_capped_jitter(
    failures: int, seed: int
) -> None:
    when = next_poll_at(NOW, 900, failures=failures, rng=random.Random(seed))
    assert NOW < when <= NOW + timedelta(seconds=MAX_BACKOFF * (1 + JITTER))


def every(seconds: float, count: int = 10) -> list[datetime]:
    return [NOW - timedelta(seconds=seconds * n) for n in range(count)]


def test_wire_posting_every_few_minutes_is_polled_at_the_minimum() -> None:
    assert adaptive_interval(every(240), 600, 120, 86400) == 120


def test_hourly_source_is_polled_every_half_hour() -> None:
    assert adaptive_interval(every(3600), 600, 120, 86400) == 1800


def test_weekly_blog_is_polled_once_a_day() -> None:
    assert adaptive_interval(every(7 * 86400), 600, 120, 86400) == 86400


def test_too_few_items_keep_the_default_interval() -> None:
    assert adaptive_interval(every(60, count=2), 600, 120, 86400) == 600


def test_one_long_pause_does_not_change_the_usual_gap() -> None:
    times = [*every(600, count=10), NOW - timedelta(days=3)]
    assert usual_gap(times) == 600


def test_source_silent_for_many_usual_gaps_is_stalled() -> None:
    gap = usual_gap(every(600))
    assert not is_stalled(gap, NOW - timedelta(hours=1), NOW)
    assert is_stalled(gap, NOW - timedelta(hours=3), NOW)


def test_stall_needs_at_least_the_floor_for_busy_sources() -> None:
    assert not is_stalled(60.0, NOW - STALL_FLOOR + timedelta(minutes=1), NOW)
    assert is_stalled(60.0, NOW - STALL_FLOOR - timedelta(minutes=1), NOW)


def test_weekly_source_is_not_stalled_after_a_quiet_week() -> None:
    gap = usual_gap(every(7 * 86400))
    assert not is_stalled(gap, NOW - timedelta(days=8), NOW)
    assert is_stalled(gap, NOW - timedelta(days=7 * STALL_FACTOR + 1), NOW)


def test_without_a_rhythm_nothing_is_stalled() -> None:
    assert not is_stalled(None, NOW - timedelta(days=365), NOW)
