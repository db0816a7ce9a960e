"""Gunicorn's settings that follow the portal's: which peers may set forwarded headers
(``forwarded_allow_ips``) comes from TRUSTED_PROXIES, as the throttles and the HTTPS header do;
the workers, their timeout and how many requests each serves before it is replaced come from
GUNICORN_WORKERS, GUNICORN_TIMEOUT and GUNICORN_MAX_REQUESTS (config/settings.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402

forwarded_allow_ips = settings.TRUSTED_PROXIES.gunicorn_forwarded_allow_ips
workers = settings.GUNICORN_WORKERS
timeout = settings.GUNICORN_TIMEOUT
max_requests = settings.GUNICORN_MAX_REQUESTS
max_requests_jitter = settings.GUNICORN_MAX_REQUESTS_JITTER


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, a worker that exits stops counting in /metrics/."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
