"""Folding and tokens: the same words for documents and queries on both backends."""

from __future__ import annotations

from livenews.search.textfold import document_tokens, fold, query_tokens


def test_fold_drops_latin_accents_and_case_but_keeps_kana_voicing():
    assert fold("Zürich São Paulo ÉCOLE Straße") == "zurich sao paulo ecole strasse"
    assert fold("Zu\u0308rich") == "zurich"  # decomposed input too
    assert fold("がっこう") == "がっこう"
    assert fold("\uff34\uff4f\uff4b\uff59\uff4f") == "tokyo"  # full-width


def test_document_splits_cjk_runs_into_bigrams_plus_their_last_character():
    assert document_tokens("会议在北京举行") == [
        "会议",
        "议在",
        "在北",
        "北京",
        "京举",
        "举行",
        "行",
    ]
    assert document_tokens("iPhone发布会 2026!") == [
        "iphone",
        "发布",
        "布会",
        "会",
        "2026",
    ]


def test_query_word_becomes_a_bigram_phrase_or_a_one_character_prefix():
    assert query_tokens("北京举行") == (["北京", "京举", "举行"], False)
    assert query_tokens("京") == (["京"], True)
    assert query_tokens("covid-19") == (["covid", "19"], False)
    assert query_tokens("***") == ([], False)


def test_overlong_words_are_not_indexed():
    assert document_tokens("a" * 65 + " short") == ["short"]


def test_documents_are_stemmed_in_their_language_after_folding():
    from livenews.search.textfold import stem_tokens

    assert document_tokens("Strikes and striking", "en") == ["strike", "and", "strike"]
    assert document_tokens("Die Streiks", "de-DE") == ["die", "streik"]
    assert document_tokens("Élections", "fr") == ["elect"]
    assert document_tokens("Élections", "") == ["elections"]
    assert document_tokens("Strikes", "uk") == ["strikes"]
    assert document_tokens("Strikes 北京举行", "zh") == [
        "strikes",
        "北京",
        "京举",
        "举行",
        "行",
    ]
    assert document_tokens("elections 北京", "en") == ["elect", "北京", "京"]
    assert stem_tokens(["elections", "北京"], "en") == ["elect", "北京"]
    assert document_tokens("streik", "nb") == document_tokens("streik", "no")
