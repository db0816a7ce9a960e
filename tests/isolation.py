"""Parallel test processes (pytest-xdist) each get a Redis database of their own.

The Django cache, the Celery broker and the result backend share one Redis database, and
every test flushes it (``_isolated_cache`` in ``conftest.py``): two processes sharing it would
clear each other's throttles, lockouts and queued tasks, and a real worker started by one
could run the other's task. So worker ``gwN`` moves ``REDIS_URL`` (and ``CELERY_BROKER_URL``,
``CELERY_RESULT_BACKEND`` when they are set) N databases up from the one given: with
``redis://…/8`` and two processes, gw0 uses database 8 and gw1 database 9.

The settings read these variables when Django loads them, which pytest-django does while
pytest starts: this plugin is loaded before it (``-p tests.isolation`` in pyproject's
``addopts``) and rewrites the variables first. The Celery workers the tests start inherit the
rewritten environment, so they listen on their own process's database. PostgreSQL needs
nothing here: pytest-django names each process's test database after it (``test_…_gw1``).
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

REDIS_VARIABLES = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")


def worker_index() -> int:
    """0 for ``gw0`` or without xdist, N for ``gwN``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def shifted(url: str, offset: int) -> str:
    """A Redis URL ``offset`` databases further (``redis://h:6379/8`` + 1 → ``…/9``)."""
    parts = urlsplit(url)
    if not offset or parts.scheme not in ("redis", "rediss"):
        return url
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db + offset}"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before pytest-django loads the settings."""
    if "PYTEST_XDIST_WORKER" in os.environ:
        if "REDIS_URL" not in os.environ:
            raise pytest.UsageError(
                "running in parallel needs REDIS_URL (each process takes a database after it)"
            )
        offset = worker_index()
        for name in REDIS_VARIABLES:
            if name in os.environ:
                os.environ[name] = shifted(os.environ[name], offset)
    return (yield)
