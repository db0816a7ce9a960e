"""Who and what every log line is about: the request's id, its user and tenant, or the Celery
task being run.

``RequestContextMiddleware`` (first of the middleware) takes the proxy's ``X-Request-ID`` when
it is a sane token, or makes one, and returns it in the response's ``X-Request-ID`` header.
``LogContextFilter`` (on the log handlers, ``LOGGING``) writes onto every record logged during
the request ``request_id``, ``user_id``, ``enterprise_id`` and ``city`` (the tenant), and in a
worker ``task_id`` and ``task_name``, with the id of the request that queued the task. The
request id is also a Sentry tag, so an error report and its log lines are found together.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.utils.functional import SimpleLazyObject, empty

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
FIELDS = ("request_id", "user_id", "enterprise_id", "city", "task_id", "task_name")

_request = ContextVar("request", default=None)
_request_id = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_from(value: str | None) -> str:
    """The proxy's id when it is a sane token (letters, digits, ``._:-``, at most 128), else a
    new one."""
    if value and SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _known_user(request):
    """The request's user once authentication has found it (never a query from a log call):
    the session's user once a view asked for it, the API's once DRF authenticated the call."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _sentry_tag(request_id: str) -> None:
    import sentry_sdk

    if sentry_sdk.get_client().is_active():  # SENTRY_DSN set (config/sentry.py)
        sentry_sdk.set_tag("request_id", request_id)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        tokens = (_request.set(request), _request_id.set(request_id))
        _sentry_tag(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(tokens[0])
            _request_id.reset(tokens[1])
        response[REQUEST_ID_HEADER] = request_id
        return response


def _task_fields() -> dict:
    from celery import current_task

    task = current_task
    if not task or not getattr(task, "request", None) or task.request.id is None:
        return {}
    headers = task.request.headers or {}
    return {
        "task_id": task.request.id,
        "task_name": task.name,
        "request_id": getattr(task.request, "request_id", None) or headers.get("request_id"),
    }


class LogContextFilter(logging.Filter):
    """Adds the request's (or the task's) context to each record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = dict.fromkeys(FIELDS)
        request = _request.get()
        if request is not None:
            fields["request_id"] = _request_id.get()
            user = _known_user(request)
            if user is not None:
                fields["user_id"] = user.pk
                fields["enterprise_id"] = getattr(user, "enterprise_id", None)
                fields["city"] = getattr(user, "city", None) or None
        else:
            fields.update(_task_fields())
        for name, value in fields.items():
            if getattr(record, name, None) is None:
                setattr(record, name, value if value is not None else "")
        return True


def request_id_into_task_headers(headers: dict | None, **kwargs) -> None:
    """Celery's ``before_task_publish``: a task queued during a request carries its id."""
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)
