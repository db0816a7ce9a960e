"""Queueing Celery tasks from request code without letting a broker outage fail the request.

The data a task works on is committed before the task is published, so a broker that is
down must not turn a saved submission into an error page: the failure is logged and the
periodic sweeps (``CELERY_BEAT_SCHEDULE``) find the work that was never queued.
"""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def task_publish(task, *args) -> bool:
    """Queue ``task(*args)``; False, logged, when the broker cannot take it.

    Nobody waits on these results, so none is stored (and the web process does not
    subscribe to one). In eager mode the task runs here and its errors propagate.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(args, ignore_result=True)
        return True
    try:
        task.apply_async(args, ignore_result=True)
    except Exception as exc:  # any broker failure: the work is saved, a sweep queues it later
        logger.error("could not queue %s%r, a sweep will retry it: %s", task.name, args, exc)
        return False
    return True


def task_publish_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction has committed."""
    transaction.on_commit(partial(task_publish, task, *args))
