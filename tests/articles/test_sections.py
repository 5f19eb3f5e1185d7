"""Sections from free-text feed categories and the source's default (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livenews.articles import sections
from livenews.articles.sections import (
    fold,
    is_section_slug,
    section_for,
    section_of_label,
    slugify,
)


@pytest.mark.parametrize(
    ("label", "section"),
    [
        ("World news", "world"),
        ("World", "world"),
        ("International", "world"),
        ("Ausland", "world"),
        ("Monde", "world"),
        ("News/World > Europe", "world"),
        ("Middle East", "world"),
        ("Politik", "politics"),
        ("US politics", "politics"),
        ("Politique", "politics"),
        ("Política", "politics"),
        ("Elections 2026", "politics"),
        ("Tech", "technology"),
        ("Technology", "technology"),
        ("Technik", "technology"),
        ("Tecnología", "technology"),
        ("AI", "technology"),
        ("Consumer electronics", "technology"),
        ("Football", "sport"),
        ("Fußball", "sport"),
        ("Sports", "sport"),
        ("Deportes", "sport"),
        ("World Cup", "sport"),
        ("Premier League", "sport"),
        ("Business", "business"),
        ("Wirtschaft", "business"),
        ("Économie", "business"),
        ("Markets", "business"),
        ("Personal finance", "business"),
        ("Science", "science"),
        ("Wissenschaft", "science"),
        ("Space", "science"),
        ("Health", "health"),
        ("Santé", "health"),
        ("Climate crisis", "environment"),
        ("Umwelt", "environment"),
        ("Culture", "culture"),
        ("Kultur", "culture"),
        ("Arts", "culture"),
        ("Film", "culture"),
        ("Books", "culture"),
        ("TV & radio", "culture"),
    ],
)
def test_labels_name_their_section(label, section):
    assert section_of_label(label) == section


@pytest.mark.parametrize(
    "label",
    ["News", "Top stories", "Aid", "Article", "Deportation", "Uncategorized", ""],
)
def test_labels_without_a_section_name_none(label):
    # Short stems match whole words only: "Aid" is not AI, "Article" is not art;
    # "Deportation" is not the Spanish "deportes".
    assert section_of_label(label) == ""


def test_the_section_named_most_often_wins():
    assert section_for(["News", "Tech", "Politics", "Elections"]) == "politics"


def test_a_tie_goes_to_the_first_category():
    assert section_for(["Business", "Tech"]) == "business"
    assert section_for(["Tech", "Business"]) == "technology"


def test_the_entrys_categories_win_over_the_sources_default():
    assert section_for(["Football"], source_section="world") == "sport"


def test_the_source_default_applies_when_no_category_names_a_section():
    assert section_for(["News", "Breaking"], source_section="World") == "world"
    assert section_for([], source_section="Wirtschaft") == "business"


def test_an_unknown_source_section_becomes_its_own_slug():
    assert section_for([], source_section="Local news") == "local-news"
    assert section_for([], source_section="  Ünïcode Région ") == "unicode-region"


def test_nothing_gives_no_section():
    assert section_for([]) == ""
    assert section_for(["News"], source_section="   ") == ""


def test_fold_strips_case_and_accents_and_splits_words():
    assert fold("Économie/Politique > Élections") == [
        "economie",
        "politique",
        "elections",
    ]
    assert fold("FUSSBALL") == fold("Fußball") == ["fussball"]


def test_every_stem_list_names_a_listed_section():
    assert {name for name, _ in sections.STEMS} == set(sections.SECTIONS)


@given(st.lists(st.text(max_size=60), max_size=6), st.text(max_size=60))
def test_any_input_gives_a_valid_slug_or_nothing(categories, default):
    result = section_for(categories, default)
    assert result == "" or is_section_slug(result)
    assert len(result) <= sections.MAX_SLUG


def test_slugs_are_capped_and_have_no_dangling_dash():
    slug = slugify("a" * 39 + " bcd")
    assert len(slug) <= sections.MAX_SLUG
    assert not slug.endswith("-")
    assert is_section_slug(slug)
    assert not is_section_slug("World")
    assert not is_section_slug("")
