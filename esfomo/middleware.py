"""The site's own middleware: the admin's security policy, requests no page can answer, database outages."""

import logging

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import views

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy (ADMIN_CONTENT_SECURITY_POLICY) under /admin/."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A policy set by a view (django-csp's decorators) still wins over the admin's.
        if not report_only and parts.config is None and _is_admin(request):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def _is_admin(request) -> bool:
    try:
        return request.path_info.startswith(reverse("admin:index"))
    except NoReverseMatch:  # a URL configuration without the admin
        return False


class RequestLimitsMiddleware:
    """Refuse requests that no page can answer, before anything reads them.

    A body larger than MAX_REQUEST_BODY_BYTES is answered 413 unread: Django limits the size of
    form fields but not of uploaded files, which it streams to disk. Below that limit an oversized
    image reaches its form and is refused there, next to the organizer's text. A NUL character in
    the address or the query is answered 400: PostgreSQL text cannot hold one, so a search for it
    would otherwise end in a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            logger.warning("Refused a %d byte request body for %s", length, request.path)
            context = {
                "size_mb": length / 1024 / 1024,
                "limit_mb": limit // 1024 // 1024,
                "image_limit_mb": settings.MAX_IMAGE_UPLOAD_BYTES // 1024 // 1024,
            }
            response = render(request, "413.html", context, status=413)
            # The body stays unread: the connection cannot be reused for another request.
            response["Connection"] = "close"
            return response
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer with the friendly 503 page when a view cannot reach the database.

    `views.server_error` does the same for the rare failure outside a view (in middleware);
    here the outage is logged as one line instead of a traceback per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, views.DATABASE_UNREACHABLE):
            logger.warning("Database unreachable while serving %s: %s", request.path, exception)
            return views.service_unavailable()
        return None
