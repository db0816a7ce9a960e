from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the review side to submissions)
