"""The search box syntax and what it compiles to on each backend."""

from __future__ import annotations

import pytest

from livenews.search.query import Phrase, parse_query, to_fts5, to_tsquery


def test_words_phrases_or_and_exclusions():
    query = parse_query('harbour "night shift" strike OR walkout -football')
    assert query.required == [
        [Phrase(("harbour",))],
        [Phrase(("night", "shift"))],
        [Phrase(("strike",)), Phrase(("walkout",))],
    ]
    assert query.excluded == [Phrase(("football",))]
    assert to_fts5(query) == (
        '("harbour" AND "night shift" AND ("strike" OR "walkout")) NOT "football"'
    )
    assert to_tsquery(query) == (
        "(('harbour')) & (('night' <-> 'shift')) & (('strike') | ('walkout'))"
        " & !('football')"
    )


def test_prefixes_for_a_star_and_for_one_cjk_character():
    query = parse_query("protest* 京 a*")
    assert query.required == [
        [Phrase(("protest",), prefix=True)],
        [Phrase(("京",), prefix=True)],
        [Phrase(("a",))],
    ]
    assert to_fts5(query) == '"protest"* AND "京"* AND "a"'
    assert "'protest':*" in to_tsquery(query)


@pytest.mark.parametrize(
    "text",
    ['"', '""', "AND OR NOT", "*", "NEAR(", "-", "- -x", "(((", "^title:x", "OR"],
)
def test_operator_soup_parses_to_quoted_words_or_nothing(text):
    query = parse_query(text)
    for choice in query.required:
        for phrase in choice:
            assert all(token.isalnum() for token in phrase.tokens)


def test_only_exclusions_is_an_empty_query_and_length_is_capped():
    assert parse_query("-football").is_empty
    long = parse_query("word " * 500)
    assert len(long.required) <= 12


def test_a_word_matches_its_stems_in_each_language():
    query = parse_query("strikes Wahlen", ("en", "de", "zh"))
    assert query.required == [
        [Phrase(("strikes",)), Phrase(("strike",)), Phrase(("strik",))],
        [Phrase(("wahlen",)), Phrase(("wahl",))],
    ]
    assert to_fts5(query) == (
        '("strikes" OR "strike" OR "strik") AND ("wahlen" OR "wahl")'
    )


def test_phrases_exclusions_and_prefixes_are_stemmed_too():
    query = parse_query('"strikes continue" -elections protest* elections*', ["en"])
    assert query.required == [
        [Phrase(("strikes", "continue")), Phrase(("strike", "continu"))],
        [Phrase(("protest",), prefix=True)],
        [Phrase(("elections",), prefix=True), Phrase(("elect",))],
    ]
    assert query.excluded == [Phrase(("elections",)), Phrase(("elect",))]
    assert to_tsquery(query).endswith("& !('elections') & !('elect')")


def test_cjk_is_not_stemmed_and_items_are_counted_once():
    assert parse_query("北京", ["en", "de"]).required == [[Phrase(("北京",))]]
    assert len(parse_query("strikes " * 50, ["en", "de"]).required) == 12
