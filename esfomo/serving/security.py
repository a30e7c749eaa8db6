"""The site's own middleware: the admin's security policy, requests no page can answer, database outages."""

import functools
import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy, default_config
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from esfomo.pages import views

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy (ADMIN_CONTENT_SECURITY_POLICY) under /admin/.

    django-csp builds the headers from the settings at every response. Without a nonce or a policy
    of the view's own, they depend only on whether the page is the admin's: those are built once.
    """

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY_ATTRIBUTES)
            or _excluded_prefixes()
        ):
            return super().process_response(request, response)
        for header, value in _policy_headers(_is_admin(request)):
            if value and header not in response:
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A policy set by a view (django-csp's decorators) still wins over the admin's.
        if not report_only and parts.config is None and _is_admin(request):
            parts.config = _admin_policy()
        return parts


# What django-csp's decorators set on a response.
_OWN_POLICY_ATTRIBUTES = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


def _admin_policy():
    return default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])


def _excluded_prefixes():
    policies = (
        getattr(settings, name, None) or {}
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )
    return any(policy.get("EXCLUDE_URL_PREFIXES") for policy in policies)


@functools.cache
def _policy_headers(admin: bool) -> tuple:
    return (
        (HEADER, build_policy(config=_admin_policy() if admin else None)),
        (HEADER_REPORT_ONLY, build_policy(report_only=True)),
    )


def _is_admin(request) -> bool:
    prefix = _admin_address(get_urlconf(), get_script_prefix())
    return prefix is not None and request.path_info.startswith(prefix)


@functools.lru_cache(maxsize=8)
def _admin_address(urlconf, script_prefix):
    """The admin's address, found once (reverse() costs more than the rest of the check); None without an admin."""
    try:
        return reverse("admin:index", urlconf=urlconf)
    except NoReverseMatch:
        return None


@receiver(setting_changed)
def _forget_built_values(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _admin_address.cache_clear()
    if "CONTENT_SECURITY_POLICY" in setting:
        _policy_headers.cache_clear()


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
