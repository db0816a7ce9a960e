"""Errors to Sentry when ``SENTRY_DSN`` is set, from the web processes and the Celery workers
alike (both load the settings); nothing at all when it is not.

No personal data is sent: what ``send_default_pii=False`` meant, said with the SDK's
``data_collection`` (which replaces it) and stricter — no user, no cookie, no client address or
credential header, no request body, no local variables of the stack frames (a form's values).
The request id (``portal.request_context``) is a tag on each event, to find its log lines.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

PERSONAL_HEADERS = ["forwarded", "-ip", "remote-", "via", "-user", "authorization", "cookie"]
NO_PERSONAL_DATA = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "denylist", "terms": PERSONAL_HEADERS}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


def sentry_init(
    dsn: str,
    *,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport=None,
) -> bool:
    """Start the Sentry client; False, doing nothing, without a DSN."""
    if not dsn:
        return False
    options = {"transport": transport} if transport is not None else {}
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection=NO_PERSONAL_DATA,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        **options,
    )
    return True
