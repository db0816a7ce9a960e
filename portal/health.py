"""Health probes of the web process's dependencies: each cheap, bounded in time, and
logging why it failed (once per probe, without a traceback)."""

import logging

from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

DATABASE_TIMEOUT_MS = 2000
WORKER_PING_TIMEOUT = 1.0  # seconds


def database_reachable(alias: str = "default") -> bool:
    """``SELECT 1`` answered within the statement timeout."""
    connection = connections[alias]
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = %s", [DATABASE_TIMEOUT_MS])
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        logger.warning("health: the database does not answer: %s", str(exc).strip())
        connection.close_if_unusable_or_obsolete()  # the next probe reconnects
        return False


def worker_answering() -> bool:
    """At least one Celery worker answers a ping through the broker (the project's Celery app,
    current once the settings package has loaded it)."""
    from celery import current_app

    try:
        replies = current_app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1)
    except Exception as exc:  # the broker itself is down: no worker can be reached either
        logger.warning("health: the broker does not answer: %s", exc)
        return False
    if not replies:
        logger.warning("health: no worker answered a ping")
    return bool(replies)
