from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "livenews.search"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from livenews.articles.models import Article
        from livenews.search.index import index_saved_article

        post_save.connect(
            index_saved_article, sender=Article, dispatch_uid="search.index_saved"
        )
