"""Conditional GET for everything an edition shows: ETag and Last-Modified from its content version.

A client (browser, calendar, attendee app, CDN) that already holds the current version gets
a bodiless 304 instead of the page or export.
"""

from django.views.decorators.http import condition

from esfomo.models import Edition


def _version(request, year=None):
    """Return (pk, content_version, content_changed_at) of the edition a URL names, read once per request."""
    if not hasattr(request, "_edition_version"):
        editions = Edition.objects.all() if request.user.is_staff else Edition.objects.published()
        if year is None:
            editions = editions.order_by("-is_current", "-year")
        else:
            editions = editions.filter(year=year)
        request._edition_version = editions.values_list("pk", "content_version", "content_changed_at").first()
    return request._edition_version


def _etag(request, year=None, **kwargs):
    version = _version(request, year)
    return f"e{version[0]}v{version[1]}" if version else None


def _last_modified(request, year=None, **kwargs):
    version = _version(request, year)
    return version[2] if version else None


edition_conditional = condition(etag_func=_etag, last_modified_func=_last_modified)
