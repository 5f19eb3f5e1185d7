"""The streaming clusterer: features, assignment, the window, bounded memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from livenews.stories import clustering
from livenews.stories.clustering import StoryIndex, StoryState, extract_features

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)

QUAKE_A = [
    (
        "Magnitude 6.1 earthquake strikes Velora province, killing 12",
        "A magnitude 6.1 earthquake struck Velora province on Tuesday, killing 12 "
        "people and flattening homes in the town of Ostrand, officials said. Rescue "
        "teams from Ostrand searched the rubble overnight.",
    ),
    (
        "Velora earthquake death toll rises to 12 as Ostrand digs out",
        "Rescuers in Ostrand pulled survivors from collapsed homes after the "
        "magnitude 6.1 quake in Velora province. Governor Anika Brell said 12 "
        "people died.",
    ),
    (
        "Governor Brell declares emergency in Velora after 6.1 quake",
        "Anika Brell, governor of Velora province, declared a state of emergency "
        "in Ostrand, where the earthquake killed 12 people and left hundreds "
        "homeless.",
    ),
]
QUAKE_B = (
    "Magnitude 5.4 earthquake hits Tarsis coast, 3 injured",
    "A magnitude 5.4 earthquake shook the Tarsis coast on Friday, injuring 3 "
    "people in the port of Mello, the Tarsis civil protection agency said.",
)
FILLER = [
    ("Central bank holds interest rates", "The Norvasse central bank kept rates."),
    ("Cup final tickets sell out", "Fans of Marrowby Rovers bought every ticket."),
    ("Parliament passes budget bill", "Lawmakers in Dellin approved the budget."),
    ("Asteroid probe lands sample", "The Wrenwing capsule landed in the desert."),
]


def stream(index: StoryIndex, docs, when=T0, first_id=100) -> list[int]:
    """Assign docs in order (a new story's id is first_id + the doc's position)."""
    found = []
    for position, (title, text) in enumerate(docs):
        features = extract_features(title, text)
        index.observe(features)
        match = index.choose(features, when)
        story_id = match.story_id if match else first_id + position
        index.add(story_id, features, when)
        found.append(story_id)
    return found


def test_features_fold_case_drop_stop_words_and_are_unit_length() -> None:
    features = extract_features("The STRIKE at the Harbour", "the strike goes on")
    assert set(features.terms) == {"strike", "harbour", "goes"}
    assert sum(v * v for v in features.terms.values()) == pytest.approx(1.0)


def test_title_words_weigh_more_than_lead_words() -> None:
    features = extract_features("harbour strike", "cranes idle")
    assert features.terms["harbour"] > features.terms["cranes"]


def test_names_inside_sentences_and_numbers_are_entities_sentence_openers_not() -> None:
    features = extract_features("", "Police said 23 pirates attacked the Sukanya.")
    assert features.entities == {"23", "sukanya"}


def test_codes_mixing_letters_and_digits_are_dropped() -> None:
    assert "x86" not in extract_features("x86 chips", "").terms


def test_empty_text_has_no_features_and_starts_a_story() -> None:
    index = StoryIndex()
    features = extract_features("", "the and of")
    assert features.terms == {}
    assert index.choose(features, T0) is None


def test_reports_of_one_event_join_and_a_look_alike_event_stays_apart() -> None:
    index = StoryIndex()
    found = stream(index, [*FILLER, *QUAKE_A, QUAKE_B])
    quake_a = found[len(FILLER) : len(FILLER) + 3]
    assert len(set(quake_a)) == 1
    assert found[-1] != quake_a[0]
    assert len(set(found[: len(FILLER)])) == len(FILLER)


def test_a_story_idle_beyond_the_window_takes_no_more_articles() -> None:
    index = StoryIndex()
    first = extract_features(*QUAKE_A[0])
    index.observe(first)
    index.add(1, first, T0)
    later = extract_features(*QUAKE_A[1])
    assert index.choose(later, T0 + clustering.WINDOW / 2) is not None
    assert index.choose(later, T0 + clustering.WINDOW + timedelta(minutes=1)) is None


def test_closing_idle_stories_empties_memory() -> None:
    index = StoryIndex()
    stream(index, [*FILLER, *QUAKE_A], when=T0)
    stream(index, [QUAKE_B], when=T0 + timedelta(hours=30), first_id=200)

    closed = index.close_idle(T0 + clustering.WINDOW + timedelta(hours=1))

    assert len(closed) == len(FILLER) + 1
    assert set(index.stories) == {200}  # only the quake B story is left
    assert all(ids == {200} for ids in index.postings.values())


def test_excluded_stories_are_not_chosen() -> None:
    index = StoryIndex()
    stream(index, QUAKE_A[:1])
    features = extract_features(*QUAKE_A[1])
    assert index.choose(features, T0) is not None
    assert index.choose(features, T0, exclude=frozenset({100})) is None


def test_story_vectors_and_index_entries_stay_bounded() -> None:
    index = StoryIndex()
    for n in range(30):
        words = " ".join(f"word{chr(97 + n % 26)}{i}" for i in range(40))
        features = extract_features("Velora quake", words)
        index.observe(features)
        index.add(1, features, T0)
    story = index.stories[1]
    assert len(story.centroid) <= clustering.MAX_STORY_TERMS
    assert len(index.indexed[1]) <= clustering.INDEX_TERMS
    assert story.size == 30


def test_common_words_weigh_less_as_the_stream_learns_them() -> None:
    index = StoryIndex()
    index.observe(extract_features("rare common", ""))
    index.observe(extract_features("other", ""))
    before = index.idf("common")
    for _ in range(50):
        index.observe(extract_features("common", ""))
    assert index.idf("common") < before
    assert index.idf("rare") > index.idf("common")


def test_document_counts_are_halved_to_keep_the_vocabulary_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clustering, "DF_HALF_LIFE", 4)
    index = StoryIndex()
    for word in ["alpha", "beta", "gamma", "delta"]:
        index.observe(extract_features(word, ""))
    assert index.df == {}  # each seen once, halved to 0.5 and dropped
    assert index.n_docs == 2.0


def test_restore_replaces_and_absorb_merges_two_stories() -> None:
    index = StoryIndex()
    stream(index, [QUAKE_A[0], QUAKE_B])
    index.restore(StoryState(100, {"velora": 1.0}, 1, T0, {"velora"}))
    assert index.stories[100].centroid == {"velora": 1.0}

    merged = index.absorb(100, 101)

    assert merged is not None and 101 not in index.stories
    assert merged.size == 2
    assert "tarsis" in merged.centroid
    assert all(101 not in ids for ids in index.postings.values())


def test_similarity_of_an_unknown_story_is_zero() -> None:
    assert StoryIndex().similarity(extract_features(*QUAKE_B), 5) == 0.0


def test_a_report_dated_long_before_a_story_began_does_not_join_it() -> None:
    index = StoryIndex()
    stream(index, QUAKE_A[:1], when=T0)
    later = extract_features(*QUAKE_A[1])
    assert index.choose(later, T0 - clustering.WINDOW / 2) is not None  # late feed
    too_old = T0 - clustering.WINDOW - timedelta(minutes=1)
    assert index.choose(later, too_old) is None


def test_a_crowded_vocabulary_is_halved_before_the_half_life(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clustering, "MAX_VOCABULARY", 5)
    monkeypatch.setattr(clustering, "MIN_ARTICLES_BETWEEN_HALVINGS", 3)
    index = StoryIndex()
    index.observe(extract_features("alpha beta gamma", ""))
    index.observe(extract_features("alpha delta epsilon", ""))
    assert len(index.df) == 5  # at the cap, not over it: nothing dropped yet
    index.observe(extract_features("alpha zeta", ""))

    assert index.df == {"alpha": 1.5}  # the others were seen once
    assert index.n_docs == 1.5


def test_two_halves_of_one_event_are_more_alike_than_two_events() -> None:
    index = StoryIndex()
    stream(index, QUAKE_A[:2], first_id=1)
    for title, text in (QUAKE_A[2], QUAKE_B):
        features = extract_features(title, text)
        index.observe(features)
    index.add(2, extract_features(*QUAKE_A[2]), T0)
    index.add(3, extract_features(*QUAKE_B), T0)

    assert index.story_similarity(1, 2) > index.story_similarity(1, 3)
    assert index.story_similarity(1, 2) == pytest.approx(index.story_similarity(2, 1))
    assert index.story_similarity(1, 99) == 0.0
    assert 2 in index.neighbours(1) and 1 not in index.neighbours(1)


def test_placement_margins_say_which_group_each_article_belongs_to() -> None:
    reports = [*QUAKE_A, QUAKE_B, QUAKE_B]
    index = StoryIndex()
    features = [extract_features(title, text) for title, text in [*FILLER, *reports]]
    for item in features:
        index.observe(item)
    members = features[len(FILLER) :]

    right = index.placement_margins(members, [0, 0, 0, 1, 1])
    wrong = index.placement_margins(members, [0, 0, 1, 1, 0])

    assert all(margin > 0 for margin in right)
    assert wrong[2] < 0 and wrong[4] < 0  # each sits with the other event


def test_scores_follow_a_story_changed_since_it_was_last_scored() -> None:
    """Scores kept between calls are dropped when a story or the counts change."""
    first, second, third = (extract_features(*doc) for doc in QUAKE_A)
    quake_b = extract_features(*QUAKE_B)

    def fresh(*added: clustering.Features) -> StoryIndex:
        index = StoryIndex()
        for features in (first, second, third, quake_b):
            index.observe(features)
        for features in added:
            index.add(1, features, T0)
        index.add(2, quake_b, T0)
        return index

    index = fresh(first)
    before = index.similarity(third, 1)
    index.add(1, second, T0)  # same counts, changed story
    assert index.similarity(third, 1) == fresh(first, second).similarity(third, 1)
    assert index.similarity(third, 1) != before
    assert index.story_similarity(1, 2) == fresh(first, second).story_similarity(1, 2)

    index.restore(StoryState(1, dict(first.terms), 1, T0, set(first.entities)))
    assert index.similarity(third, 1) == before

    index.observe(third)  # changed counts, same story
    changed = StoryIndex(df=dict(index.df), n_docs=index.n_docs)
    changed.add(1, first, T0)
    assert index.similarity(third, 1) == changed.similarity(third, 1)
    assert index.similarity(third, 1) != before
