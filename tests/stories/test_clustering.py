"""Clustering: key terms of titles, overlap, story choice and term merging."""

from __future__ import annotations

from livenews.stories.clustering import (
    MAX_STORY_TERMS,
    MIN_SHARED,
    THRESHOLD,
    StoryCandidate,
    choose_story,
    key_terms,
    merge_terms,
    overlap,
)


def terms(*words: str) -> frozenset[str]:
    return frozenset(words)


def test_key_terms_drop_stop_words_and_short_words() -> None:
    assert key_terms("The mayor and an MP say no to the new bridge") == {
        "mayor",
        "bridge",
    }


def test_key_terms_are_case_folded_and_distinct() -> None:
    assert key_terms("FLOODS flood Floods", "floods") == {"floods", "flood"}


def test_key_terms_fold_case_beyond_lowercasing() -> None:
    assert key_terms("STRASSE gesperrt", "Straße gesperrt") == {"strasse", "gesperrt"}


def test_key_terms_keep_cyrillic_and_greek_words() -> None:
    assert key_terms("Київ готується до зими", "ΔΡΟΜΟΣ κλειστός") == {
        "київ",
        "готується",
        "зими",
        "δρομοσ",
        "κλειστόσ",
    }


def test_key_terms_split_on_digits_and_punctuation() -> None:
    assert key_terms("COVID-19: vaccine_rollout, G7-summit (2024)") == {
        "covid",
        "vaccine",
        "rollout",
        "summit",
    }


def test_key_terms_of_several_texts_are_united() -> None:
    assert key_terms("Harbour strike", "", "strike ends") == {
        "harbour",
        "strike",
        "ends",
    }


def test_key_terms_of_nothing_is_empty() -> None:
    assert key_terms() == frozenset()
    assert key_terms("the and of to 42 !!") == frozenset()


def test_overlap_is_shared_over_smaller_set() -> None:
    assert overlap(terms("a", "b", "c", "d"), terms("c", "d")) == 1.0
    assert overlap(terms("a", "b", "c", "d"), terms("d", "e")) == 0.5
    assert overlap(terms("a", "b"), terms("c")) == 0.0


def test_overlap_with_an_empty_set_is_zero() -> None:
    assert overlap(frozenset(), terms("a")) == 0.0
    assert overlap(terms("a"), frozenset()) == 0.0


def test_constants_are_the_documented_ones() -> None:
    assert (THRESHOLD, MIN_SHARED, MAX_STORY_TERMS) == (0.5, 3, 80)


def test_choose_story_picks_the_best_overlap() -> None:
    article = terms("harbour", "strike", "dockers", "wages", "union", "port")
    candidates = [
        StoryCandidate(1, terms("harbour", "strike", "dockers", "x1", "x2", "x3")),
        StoryCandidate(2, terms("harbour", "strike", "dockers", "wages", "union")),
        StoryCandidate(3, terms("election", "mayor", "vote")),
    ]
    assert choose_story(article, candidates) == 2


def test_choose_story_keeps_the_first_of_equal_scores() -> None:
    article = terms("a1", "b1", "c1", "d1")
    candidates = [
        StoryCandidate(7, terms("a1", "b1", "c1", "z1")),
        StoryCandidate(8, terms("a1", "b1", "c1", "z2")),
    ]
    assert choose_story(article, candidates) == 7


def test_choose_story_needs_min_shared_terms() -> None:
    # Two shared terms out of two is a perfect overlap, but too few to trust.
    article = terms("harbour", "strike")
    candidates = [StoryCandidate(1, terms("harbour", "strike", "dockers"))]
    assert overlap(article, candidates[0].terms) == 1.0
    assert choose_story(article, candidates) is None


def test_choose_story_needs_the_threshold() -> None:
    # Three shared terms of seven: enough terms, but an overlap under 0.5.
    article = terms("a1", "b1", "c1", "d1", "e1", "f1", "g1")
    candidate = StoryCandidate(1, terms("a1", "b1", "c1", "x1", "x2", "x3", "x4"))
    assert overlap(article, candidate.terms) < THRESHOLD
    assert choose_story(article, [candidate]) is None


def test_choose_story_accepts_exactly_the_threshold() -> None:
    article = terms("a1", "b1", "c1", "d1", "e1", "f1")
    candidate = StoryCandidate(4, terms("a1", "b1", "c1", "x1", "x2", "x3"))
    assert overlap(article, candidate.terms) == THRESHOLD
    assert choose_story(article, [candidate]) == 4


def test_choose_story_without_candidates_is_none() -> None:
    assert choose_story(terms("a1", "b1", "c1"), []) is None
    assert choose_story(frozenset(), [StoryCandidate(1, terms("a1"))]) is None


def test_choose_story_accepts_a_generator() -> None:
    article = terms("a1", "b1", "c1")
    found = choose_story(article, (StoryCandidate(i, article) for i in (5, 6)))
    assert found == 5


def test_merge_terms_unites_small_sets() -> None:
    assert merge_terms(terms("a", "b"), terms("b", "c")) == {"a", "b", "c"}


def test_merge_terms_caps_the_story_at_max_terms() -> None:
    existing = frozenset(f"old{i:03}" for i in range(70))
    new = frozenset(f"new{i:03}" for i in range(30))
    merged = merge_terms(existing, new)
    assert len(merged) == MAX_STORY_TERMS
    assert existing <= merged
    assert merged - existing == {f"new{i:03}" for i in range(10)}


def test_merge_terms_never_grows_a_story_already_over_the_cap() -> None:
    existing = frozenset(f"old{i:03}" for i in range(MAX_STORY_TERMS + 5))
    new = frozenset(f"new{i:03}" for i in range(10))
    assert merge_terms(existing, new) == existing


def test_merge_terms_at_the_cap_adds_nothing_new() -> None:
    existing = frozenset(f"old{i:03}" for i in range(MAX_STORY_TERMS))
    assert merge_terms(existing, terms("fresh")) == existing
