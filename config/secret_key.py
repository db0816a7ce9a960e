"""The development key never runs a deployment: the web (config/wsgi.py), the Celery worker and
beat (config/celery.py) refuse to start with it when DEBUG is off."""

from django.conf import settings


def development_key_refusal(what: str) -> str | None:
    """Why ``what`` (e.g. "serve the portal") may not start, or None when it may."""
    if settings.SECRET_KEY_IS_DEVELOPMENT_KEY and not settings.DEBUG:
        return f"SECRET_KEY must be set to {what} with DEBUG off."
    return None
