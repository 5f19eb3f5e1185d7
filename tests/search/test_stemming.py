"""Word forms: Snowball stems per article language (the same tests on SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest

from livenews.articles.models import Article
from livenews.search.filters import SearchFilters
from livenews.search.index import has_pending
from livenews.search.queries import search_articles
from tests.search.builders import NOW, add_article

pytestmark = pytest.mark.django_db


def found(text: str, **filters) -> list[str]:
    results = search_articles(text, SearchFilters(**filters), at=NOW)
    return sorted(hit.article.title for hit in results.hits)


def english(source, title: str, body: str = "") -> Article:
    return add_article(source, title, body, language="en")


def test_a_word_finds_its_forms(source):
    english(source, "Dockworkers are striking at Saltmere")
    english(source, "Strikes spread to Kessel port")
    english(source, "Ferry strike called off")
    english(source, "Struck by lightning")
    expected = [
        "Dockworkers are striking at Saltmere",
        "Ferry strike called off",
        "Strikes spread to Kessel port",
    ]
    # Snowball leaves irregular forms alone: "struck" is not a form of strike.
    assert found("strike") == expected
    assert found("strikes") == expected
    assert found("striking") == expected


def test_elections_and_election_find_each_other(source):
    english(source, "Election night in Varn")
    english(source, "Regional elections postponed")
    both = ["Election night in Varn", "Regional elections postponed"]
    assert found("elections") == both
    assert found("election") == both
    assert found("ELECTIONS", language="en") == both


def test_german_forms_on_a_german_article(source):
    add_article(source, "Der Streik der Lokführer", "Die Bahn steht.", language="de")
    add_article(source, "Wahl in Hessen", language="de")
    assert found("Streiks", language="de") == ["Der Streik der Lokführer"]
    assert found("streikende", language="de") == []  # another word to Snowball
    assert found("Wahlen", language="de") == ["Wahl in Hessen"]
    # English happens to stem "Streiks" as German does.
    assert found("Streiks") == ["Der Streik der Lokführer"]


def test_the_site_language_stems_queries_without_a_filter(source, settings):
    add_article(source, "Wahl in Hessen", language="de")
    # English only: "wahlen" is not a form of anything.
    assert found("Wahlen") == []
    settings.LIVENEWS = {**settings.LIVENEWS, "SITE_LANGUAGE": "de-DE"}
    assert found("Wahlen") == ["Wahl in Hessen"]


def test_french_and_spanish_forms_with_or_without_accents(source):
    add_article(source, "Les grèves continuent à Marseille", language="fr")
    add_article(source, "Las elecciones municipales", language="es")
    assert found("grève", language="fr") == ["Les grèves continuent à Marseille"]
    assert found("greve", language="fr") == ["Les grèves continuent à Marseille"]
    assert found("elección", language="es") == ["Las elecciones municipales"]
    assert found("eleccion", language="es") == ["Las elecciones municipales"]


def test_accents_and_case_still_never_matter(source):
    add_article(source, "Zürich stimmt ab", language="de")
    add_article(source, "Zurich airport reopens", language="en")
    add_article(source, "Élections à Zurich", language="fr")
    every = ["Zurich airport reopens", "Zürich stimmt ab", "Élections à Zurich"]
    assert found("zurich") == every
    assert found("ZÜRICH") == every
    assert found("elections", language="fr") == ["Élections à Zurich"]
    assert found("ÉLECTION", language="fr") == ["Élections à Zurich"]


def test_chinese_and_japanese_are_not_stemmed(source):
    add_article(source, "国际会议在北京举行", language="zh")
    add_article(source, "東京で大雪が降った", language="ja")
    assert found("北京") == ["国际会议在北京举行"]
    assert found("大雪", language="ja") == ["東京で大雪が降った"]
    assert found("京") == ["国际会议在北京举行", "東京で大雪が降った"]


def test_articles_without_a_stemmer_keep_their_words(source):
    add_article(source, "Strikes in Lviv", language="uk")
    add_article(source, "Strikes of unknown language")
    # Unstemmed "strikes" is matched by the word as typed, not by its stem.
    assert found("strikes") == ["Strikes in Lviv", "Strikes of unknown language"]
    assert found("strike") == []


def test_a_phrase_matches_word_forms_in_order(source):
    english(source, "The strike continues in Saltmere")
    english(source, "Union votes to continue strikes")
    assert found('"strikes continue"') == ["The strike continues in Saltmere"]
    assert found('"continuing strike"') == ["Union votes to continue strikes"]


def test_excluding_a_word_excludes_its_forms(source):
    english(source, "Vote count after the election")
    english(source, "Vote on the harbour budget")
    assert found("vote -elections") == ["Vote on the harbour budget"]
    assert found('vote -"the elections"') == ["Vote on the harbour budget"]


def test_a_prefix_is_a_prefix_of_the_indexed_form(source):
    english(source, "Protesters gather in Varn")
    english(source, "Election night in Varn")
    english(source, "Electricity prices rise")
    assert found("protest*") == ["Protesters gather in Varn"]
    # A prefix longer than a word's stem still finds that word's forms...
    assert found("elections*") == ["Election night in Varn"]
    # ...and a short one finds every indexed form that starts with it.
    assert found("elect*") == ["Election night in Varn", "Electricity prices rise"]


def test_the_forms_that_matched_are_highlighted(source):
    english(
        source,
        "Strikes & <b>striking</b> workers",
        "The strike goes on; nobody was struck. Strikers <i>met</i>.",
    )
    (hit,) = search_articles("strike", at=NOW).hits
    assert hit.title_html == (
        "<mark>Strikes</mark> &amp; &lt;b&gt;<mark>striking</mark>&lt;/b&gt; workers"
    )
    assert "The <mark>strike</mark> goes on; nobody was struck." in hit.snippet_html
    assert "&lt;i&gt;met&lt;/i&gt;" in hit.snippet_html
    # "strikers" stems to "striker", another word to Snowball.
    assert "<mark>Strikers</mark>" not in hit.snippet_html


def test_a_phrase_highlights_its_forms_together(source):
    english(source, "Rail strikes continued on Monday")
    (hit,) = search_articles('"strike continues"', at=NOW).hits
    assert hit.title_html == "Rail <mark>strikes continued</mark> on Monday"


def test_unrelated_english_words_stay_apart(source):
    english(source, "New bridge opens in Varn")
    english(source, "News agencies merge")
    english(source, "University fees rise")
    english(source, "Universe older than thought")
    english(source, "General strike called")
    english(source, "Generous donors help flood victims")
    # Snowball keeps these apart ("news" is not "new" + s to it).
    assert found("news") == ["News agencies merge"]
    assert found("new") == ["New bridge opens in Varn"]
    assert found("university") == ["University fees rise"]
    assert found("universe") == ["Universe older than thought"]
    assert found("general") == ["General strike called"]


def test_a_change_of_language_re_stems_the_article(source):
    article = add_article(source, "Die Streiks gehen weiter", language="en")
    assert found("streik", language="de") == []
    Article.objects.filter(pk=article.pk).update(language="de")
    assert has_pending()
    assert found("streik", language="de") == ["Die Streiks gehen weiter"]


def test_the_upgrade_requeues_every_article_and_old_words_still_match(source):
    from importlib import import_module

    from django.db import connection

    from livenews.search.models import PendingArticle, SearchDocument
    from livenews.search.textfold import document_text

    upgrade = import_module("livenews.search.migrations.0002_stemmed_words")
    article = english(source, "Strikes spread to Kessel port")
    # An index written before stemming: the words as written.
    SearchDocument.objects.filter(article=article).update(
        title=document_text(article.title)
    )
    assert found("strikes") == ["Strikes spread to Kessel port"]
    assert found("striking") == []
    with connection.cursor() as cursor:
        cursor.execute(upgrade.REQUEUE[connection.vendor])
    assert list(PendingArticle.objects.values_list("article_id", flat=True)) == [
        article.pk
    ]
    assert found("striking") == ["Strikes spread to Kessel port"]
    assert not has_pending()
