"""Gunicorn's settings that follow the portal's: which peers may set forwarded headers
(``forwarded_allow_ips``) comes from TRUSTED_PROXIES, as the throttles and the HTTPS header do."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402

forwarded_allow_ips = settings.TRUSTED_PROXIES.gunicorn_forwarded_allow_ips
