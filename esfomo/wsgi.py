"""WSGI entry point (gunicorn, runserver, the test live server): Django behind the page cache.

Anonymous requests for public pages are answered by `PageCache` from the shared cache, without
entering Django; everything else goes through Django as usual. See esfomo/pagecache.py.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfomo.settings")

django_application = get_wsgi_application()

from esfomo.serving.pagecache import PageCache  # noqa: E402 (needs the settings configured above)

application = PageCache(django_application)
