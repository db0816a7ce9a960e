from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"

    def ready(self):
        from . import applicant  # noqa: F401  (the applicant's identity lock and its sync)
