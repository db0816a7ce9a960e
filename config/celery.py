import os

from celery import Celery, signals

from config.secret_key import development_key_refusal
from portal.request_context import request_id_into_task_headers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _refuse_the_development_key(what: str) -> None:
    if refusal := development_key_refusal(what):
        # Celery logs and swallows a signal handler's exceptions, but not SystemExit
        raise SystemExit(f"ImproperlyConfigured: {refusal}")


@signals.celeryd_init.connect
def _worker_refuses_the_development_key(**kwargs):
    _refuse_the_development_key("run the Celery worker")


@signals.beat_init.connect
def _beat_refuses_the_development_key(**kwargs):
    _refuse_the_development_key("run Celery beat")


# a task queued during a request logs that request's id (portal.request_context)
signals.before_task_publish.connect(request_id_into_task_headers, weak=False)
