"""Public pages of the site: an edition's pages, its share picture, the health check and error pages.

The homepage, which composes the edition with its programme and people, is in `homepage.py`.
"""

import sys

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from esfomo.models import Page
from esfomo.pages.queries import edition_for, frame_for
from esfomo.pages.social_card import card_for, card_key
from esfomo.serving.pagecache import public_page


@public_page
@require_safe
def page(request, slug, year=None):
    edition = edition_for(request, year)
    pages = Page.objects.filter(edition=edition, slug=slug)
    if not request.user.is_staff:
        pages = pages.filter(is_published=True)
    shown = pages.first()
    if shown is None:
        raise Http404("No such page.")
    shown.edition = edition
    context = {
        **frame_for(request, edition),
        "page": shown,
        "important_dates": list(edition.important_dates.all()) if shown.show_important_dates else [],
    }
    return render(request, "esfomo/page.html", context)


@never_cache
@require_safe
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@public_page
@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")


@public_page
@require_safe
def social_card(request, year):
    """The edition's share picture (OpenGraph, Twitter), drawn once and kept in the media storage."""
    edition = edition_for(request, year)
    response = HttpResponse(card_for(edition), content_type="image/png")
    response["ETag"] = f'"{card_key(edition)}"'
    # Its address changes with the picture (?v=), so browsers may keep it for a day.
    patch_cache_control(response, max_age=86400)
    return response


# What the database driver raises when the server is down, restarting or unreachable; other
# database errors (a bad query, a broken constraint) are bugs and stay 500s.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def service_unavailable():
    """Return the friendly 503 page, rendered without the request so nothing touches the database."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Neither browsers nor a CDN may keep the outage page once the site is back.
    add_never_cache_headers(response)
    return response


def server_error(request):
    """handler500: an unreachable database anywhere in the stack still gets the 503 page."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        return service_unavailable()
    return defaults.server_error(request)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login refused after too many failures: the lockout page, 429."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "esfomo/lockout.html", context, status=429)
