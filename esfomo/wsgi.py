"""WSGI entry point for gunicorn (Procfile), runserver and the tests' live server: Django behind the page cache."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfomo.settings")

# Imported once the settings are configured above.
from esfomo.serving.pagecache import PageCache

application = PageCache(get_wsgi_application())
