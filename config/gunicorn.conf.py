"""Gunicorn's settings that follow the portal's: which peers may set forwarded headers
(``forwarded_allow_ips``) comes from TRUSTED_PROXIES, as the throttles and the HTTPS header do."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402

forwarded_allow_ips = settings.TRUSTED_PROXIES.gunicorn_forwarded_allow_ips


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, a worker that exits stops counting in /metrics/."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
