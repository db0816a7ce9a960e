import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are loaded by the line above)

if settings.SECRET_KEY_IS_DEVELOPMENT_KEY and not settings.DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be set to serve the portal with DEBUG off.")
