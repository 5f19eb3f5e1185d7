"""Stemmed words: re-index every article, and re-index one whose language changes.

The index now holds Snowball stems in each article's language (textfold), so
every stored article is queued again: the post_save handler, each search
(``CATCH_UP_BATCH`` at a time) and ``search_index`` drain the queue. Until an
article is re-indexed its old words still match a query word as typed.
A change of an article's language changes its stems, so the "reworded"
trigger now watches ``language`` too.
"""

from django.db import migrations

SQLITE_REWORDED = """CREATE TRIGGER search_article_reworded
    AFTER UPDATE OF title, summary, body_text{language} ON articles_article
    WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary
        OR old.body_text IS NOT new.body_text{language_changed}
    BEGIN
        INSERT OR IGNORE INTO search_pendingarticle(article_id) VALUES (new.id);
    END"""
POSTGRES_REWORDED = """CREATE TRIGGER search_article_reworded
    AFTER UPDATE OF title, summary, body_text{language} ON articles_article
    FOR EACH ROW WHEN (
        OLD.title IS DISTINCT FROM NEW.title
        OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.body_text IS DISTINCT FROM NEW.body_text{language_changed}
    ) EXECUTE FUNCTION search_enqueue_article()"""
WITH_LANGUAGE = {
    "sqlite": {
        "language": ", language",
        "language_changed": "\n        OR old.language IS NOT new.language",
    },
    "postgresql": {
        "language": ", language",
        "language_changed": "\n        OR OLD.language IS DISTINCT FROM NEW.language",
    },
}
WITHOUT_LANGUAGE = {"language": "", "language_changed": ""}
DROP = {
    "sqlite": "DROP TRIGGER IF EXISTS search_article_reworded",
    "postgresql": "DROP TRIGGER IF EXISTS search_article_reworded ON articles_article",
}
REWORDED = {"sqlite": SQLITE_REWORDED, "postgresql": POSTGRES_REWORDED}
REQUEUE = {
    "sqlite": "INSERT OR IGNORE INTO search_pendingarticle(article_id) "
    "SELECT id FROM articles_article",
    "postgresql": "INSERT INTO search_pendingarticle(article_id) "
    "SELECT id FROM articles_article ON CONFLICT DO NOTHING",
}


def _install(schema_editor, watch_language: bool):
    vendor = schema_editor.connection.vendor
    parts = WITH_LANGUAGE[vendor] if watch_language else WITHOUT_LANGUAGE
    schema_editor.execute(DROP[vendor])
    schema_editor.execute(REWORDED[vendor].format(**parts))
    # The words of every article change (stemmed, or no longer stemmed).
    schema_editor.execute(REQUEUE[vendor])


def forwards(apps, schema_editor):
    _install(schema_editor, watch_language=True)


def backwards(apps, schema_editor):
    _install(schema_editor, watch_language=False)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
