"""The search tables, and the full-text index and triggers each backend needs."""

import django.db.models.deletion
from django.db import migrations, models

# Article columns the search document copies, and how.
COPIED = [
    "published_at",
    "hidden",
    "duplicate_of_id",
    "source_id",
    "story_id",
    "section",
    "language",
]
SET_COPIED = (
    "published_at = new.published_at, hidden = new.hidden, "
    "is_copy = new.duplicate_of_id IS NOT NULL, source_id = new.source_id, "
    "story_id = new.story_id, section = new.section, language = new.language"
)
SQLITE_INSTALL = [
    # External content: the index reads its rows from search_searchdocument and
    # stores only the inverted index; the triggers keep the two in step.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body,
        content='search_searchdocument', content_rowid='article_id',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
    )""",
    """CREATE TRIGGER search_document_inserted AFTER INSERT ON search_searchdocument
    BEGIN
        INSERT INTO search_fts(rowid, title, body)
        VALUES (new.article_id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_document_deleted AFTER DELETE ON search_searchdocument
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.article_id, old.title, old.body);
    END""",
    """CREATE TRIGGER search_document_updated
    AFTER UPDATE OF title, body ON search_searchdocument
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.article_id, old.title, old.body);
        INSERT INTO search_fts(rowid, title, body)
        VALUES (new.article_id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_article_inserted AFTER INSERT ON articles_article
    BEGIN
        INSERT OR IGNORE INTO search_pendingarticle(article_id) VALUES (new.id);
    END""",
    """CREATE TRIGGER search_article_reworded
    AFTER UPDATE OF title, summary, body_text ON articles_article
    WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary
        OR old.body_text IS NOT new.body_text
    BEGIN
        INSERT OR IGNORE INTO search_pendingarticle(article_id) VALUES (new.id);
    END""",
    f"""CREATE TRIGGER search_article_moved
    AFTER UPDATE OF {", ".join(COPIED)} ON articles_article
    WHEN {" OR ".join(f"old.{c} IS NOT new.{c}" for c in COPIED)}
    BEGIN
        UPDATE search_searchdocument SET {SET_COPIED} WHERE article_id = new.id;
    END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS search_article_moved",
    "DROP TRIGGER IF EXISTS search_article_reworded",
    "DROP TRIGGER IF EXISTS search_article_inserted",
    "DROP TRIGGER IF EXISTS search_document_updated",
    "DROP TRIGGER IF EXISTS search_document_deleted",
    "DROP TRIGGER IF EXISTS search_document_inserted",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_INSTALL = [
    """ALTER TABLE search_searchdocument ADD COLUMN vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'D')
    ) STORED""",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
    """CREATE FUNCTION search_enqueue_article() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_pendingarticle(article_id) VALUES (NEW.id)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER search_article_inserted AFTER INSERT ON articles_article
    FOR EACH ROW EXECUTE FUNCTION search_enqueue_article()""",
    """CREATE TRIGGER search_article_reworded
    AFTER UPDATE OF title, summary, body_text ON articles_article
    FOR EACH ROW WHEN (
        OLD.title IS DISTINCT FROM NEW.title
        OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.body_text IS DISTINCT FROM NEW.body_text
    ) EXECUTE FUNCTION search_enqueue_article()""",
    f"""CREATE FUNCTION search_copy_article() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_searchdocument SET {SET_COPIED.replace("new.", "NEW.")}
        WHERE article_id = NEW.id;
        RETURN NULL;
    END
    $$""",
    f"""CREATE TRIGGER search_article_moved
    AFTER UPDATE OF {", ".join(COPIED)} ON articles_article
    FOR EACH ROW WHEN (
        {" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIED)}
    ) EXECUTE FUNCTION search_copy_article()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS search_article_moved ON articles_article",
    "DROP FUNCTION IF EXISTS search_copy_article()",
    "DROP TRIGGER IF EXISTS search_article_reworded ON articles_article",
    "DROP TRIGGER IF EXISTS search_article_inserted ON articles_article",
    "DROP FUNCTION IF EXISTS search_enqueue_article()",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]
# Articles stored before this migration wait for the catch-up like new ones.
ENQUEUE_EXISTING = (
    "INSERT INTO search_pendingarticle(article_id) SELECT id FROM articles_article"
)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}[vendor]
    for sql in [*statements, ENQUEUE_EXISTING]:
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE}[vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0003_sections_and_boost"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingArticle",
            fields=[
                ("article_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("published_at", models.DateTimeField()),
                ("hidden", models.BooleanField(default=False)),
                ("is_copy", models.BooleanField(default=False)),
                ("source_id", models.BigIntegerField()),
                ("story_id", models.BigIntegerField(null=True)),
                ("section", models.CharField(blank=True, max_length=40)),
                ("language", models.CharField(blank=True, max_length=16)),
                ("title", models.TextField()),
                ("body", models.TextField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["published_at", "article"], name="search_doc_published"
                    )
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
