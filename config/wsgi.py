import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.secret_key import development_key_refusal  # noqa: E402  (needs the settings above)

if refusal := development_key_refusal("serve the portal"):
    raise ImproperlyConfigured(refusal)
