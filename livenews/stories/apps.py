from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "livenews.stories"
