"""WSGI entry point for gunicorn (Procfile), runserver and the tests' live server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfomo.settings")

application = get_wsgi_application()
