"""``django-admin search_index [--rebuild]``: index what waits, or everything."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from livenews.articles.models import Article
from livenews.search.index import catch_up
from livenews.search.models import PendingArticle


class Command(BaseCommand):
    help = "Index the articles waiting for the search index (--rebuild: all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="queue every article first (after a change to textfold)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            with transaction.atomic():
                ids = Article.objects.values_list("pk", flat=True).iterator()
                PendingArticle.objects.bulk_create(
                    (PendingArticle(article_id=pk) for pk in ids),
                    batch_size=1000,
                    ignore_conflicts=True,
                )
        done = catch_up()
        self.stdout.write(f"indexed {done} articles")
