"""The page cache: what anonymous visitors see, kept whole and answered before the rest of Django runs.

- A view opts in with `@public_page`. Its 200 response to a visitor who is not signed in is marked
  to be kept, and says `Cache-Control: public` (with `s-maxage` for a CDN) and `Vary: Cookie`; a
  signed-in organizer's response is `private, no-store`, since they may see drafts.
- `PageCacheMiddleware`, first in MIDDLEWARE, keeps marked responses (with the headers the whole
  stack added, bodies compressed once) and answers later requests for the same address from them,
  conditional ones (304) included: no other middleware, no view, no query. Pages live in the cache
  named by CACHE_URL (Redis: shared by every process) and in the process's memory.
- `PageCache`, the WSGI application around Django (esfomo/wsgi.py), answers the plain GETs of pages
  this process holds itself, without entering Django: the warm homepage runs at 0.9 of a bare
  WSGI function's speed that way, at 0.7 through Django's handler (bench/README.md).
- A page is served while it is younger than PAGE_CACHE_SECONDS and the site's content version is
  the one it was made under. The version comes from the editions' content counters in the
  database, read at most once per PAGE_CACHE_RECHECK_SECONDS by each process: a change shows
  everywhere within that time, and at once in the process that saved it.
- The key is the scheme and the path: a page depends on nothing else the visitor sends (absolute
  addresses come from SITE_URL; the host is checked against ALLOWED_HOSTS but not kept), so no
  request adds entries beyond the site's own pages. Requests with a query string are not kept.
- Resilience: while the database is down the last version read stands (nothing can change), and a
  page Django fails to render again (5xx) is served from its last copy; while the shared cache is
  unreachable, each process keeps its own pages.

Keys also hold a fingerprint of the release, so a deploy never serves pages of older code.
"""

import functools
import gzip
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import brotli
from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

STATUS_HEADER = "X-Page-Cache"
# Set on responses that may be kept; the middleware removes it before anyone sees it.
KEEP_HEADER = "X-Page-Cache-Keep"
COMPRESSIBLE = ("text/", "application/json", "application/xml", "+xml", "+json")
# Made anew for each answer, or by this module.
NOT_KEPT = {"content-length", "content-encoding", "date", "etag", "vary", KEEP_HEADER.lower()}
CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def public_page(view):
    """Let this view's responses to visitors who are not signed in be kept and shared (page cache, CDN).

    Only for views whose response depends on nothing but the address and the content: no cookie,
    no header, no user.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        elif response.status_code == 200 and not response.streaming and not response.cookies:
            if "max-age" not in response.get("Cache-Control", ""):
                # Browsers ask again each time (a 304 costs nothing) unless the view chose a lifetime.
                patch_cache_control(response, max_age=0)
            patch_cache_control(
                response,
                public=True,
                s_maxage=settings.PAGE_CACHE_SECONDS,
                stale_while_revalidate=settings.PAGE_CACHE_SECONDS,
                stale_if_error=settings.PAGE_CACHE_STALE_SECONDS,  # a CDN keeps serving while the site is down
            )
            patch_vary_headers(response, ("Cookie",))
            response[KEEP_HEADER] = "1"
        return response

    return wrapper


@dataclass
class Page:
    """A kept response: the version it was made under, until when it is fresh, and its answer in each coding."""

    version: str
    fresh_until: float
    status: str
    bodies: dict  # coding -> bytes
    headers: dict  # coding -> the headers sent with that body
    last_modified: int | None

    @classmethod
    def of(cls, response, version):
        body = response.content
        bodies = {"identity": body}
        if len(body) > 256 and any(kind in response.get("Content-Type", "") for kind in COMPRESSIBLE):
            bodies["br"] = brotli.compress(body, quality=11)
            bodies["gzip"] = gzip.compress(body, compresslevel=9, mtime=0)
        etag = response.get("ETag") or f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()[:24]}"'
        kept = [(name, value) for name, value in response.items() if name.lower() not in NOT_KEPT]
        headers = {}
        for coding, data in bodies.items():
            headers[coding] = [*kept, ("Vary", "Cookie, Accept-Encoding"), ("Content-Length", str(len(data)))]
            if coding == "identity":
                headers[coding].append(("ETag", etag))
            else:
                # The same page in another coding is the same resource: a weak validator says so.
                headers[coding] += [("Content-Encoding", coding), ("ETag", f"W/{etag.removeprefix('W/')}")]
        return cls(
            version=version,
            fresh_until=time.time() + settings.PAGE_CACHE_SECONDS,
            status=f"{response.status_code} {response.reason_phrase}",
            bodies=bodies,
            headers=headers,
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        )

    def coding_for(self, request) -> str:
        accepted = accepted_codings(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        return next((coding for coding in ("br", "gzip") if coding in self.bodies and coding in accepted), "identity")

    def response(self, request, outcome):
        """The page as Django answers it: conditional requests get 304."""
        coding = self.coding_for(request)
        response = HttpResponse(b"" if request.method == "HEAD" else self.bodies[coding], status=int(self.status[:3]))
        for name, value in self.headers[coding]:
            response[name] = value
        response[STATUS_HEADER] = outcome
        answer = get_conditional_response(
            request, etag=response["ETag"], last_modified=self.last_modified, response=response
        )
        if answer.status_code == 304:
            answer[STATUS_HEADER] = outcome
            if response.has_header("Access-Control-Allow-Origin"):
                # Web apps revalidate across origins: the 304 must allow them too.
                answer["Access-Control-Allow-Origin"] = response["Access-Control-Allow-Origin"]
        return answer


@functools.lru_cache(maxsize=64)  # browsers send a handful of different headers
def accepted_codings(header: str) -> frozenset:
    """The codings an Accept-Encoding header accepts (those not given a weight of zero)."""
    codings = set()
    for part in header.lower().split(","):
        coding, _, parameters = part.partition(";")
        if parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            codings.add(coding.strip())
    return frozenset(codings)


# --- Where pages are kept --------------------------------------------------------------------

_local = {}
_local_lock = threading.Lock()


def may_keep(request) -> bool:
    """Whether a request's answer may come from, and go to, the page cache."""
    return (
        not settings.DEBUG  # in development a template edit shows at once
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")  # endless variants (?utm_source=…) would fill the cache
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # signed-in organizers may see drafts
        and not request.path_info.startswith(_skipped_prefixes())
        and not isinstance(caches["default"], DummyCache)  # CACHE_URL=dummycache:// turns it off
        and allowed_host(request)
    )


def allowed_host(request) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False  # Django answers 400, with the site's headers
    return True


@functools.cache
def _skipped_prefixes() -> tuple:
    return tuple(url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url.startswith("/"))


def page_key(request) -> str:
    return f"page:{release()}:{request.scheme}:{request.path_info}"


def is_current(page, version) -> bool:
    return page is not None and page.version == version and page.fresh_until > time.time()


def keep_locally(key, page):
    with _local_lock:
        _local.pop(key, None)
        if len(_local) >= settings.PAGE_CACHE_LOCAL_ENTRIES:
            del _local[next(iter(_local))]  # the one kept longest
        _local[key] = page


def clear():
    """Forget every kept page: the shared cache's and this process's."""
    cache.clear()
    _local.clear()
    recheck()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_keep(request):
            return passed_on(self.get_response(request))
        key = page_key(request)
        version = content_version()
        page = _local.get(key)
        if not is_current(page, version):
            page = shared_get(key) or page
        if is_current(page, version):
            keep_locally(key, page)
            return page.response(request, "hit")
        response = self.get_response(request)
        if response.status_code >= 500 and page is not None:
            return page.response(request, "stale")
        keep = response.status_code == 200 and request.method == "GET" and not response.cookies
        if not (keep and response.has_header(KEEP_HEADER)):
            return passed_on(response)
        page = Page.of(response, version)
        keep_locally(key, page)
        shared_set(key, page)
        return page.response(request, "miss")


def passed_on(response):
    if response.has_header(KEEP_HEADER):
        del response[KEEP_HEADER]
    return response


class PageCache:
    """WSGI application around Django: a plain GET or HEAD of a page this process holds, current, is answered here."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if any(condition in environ for condition in CONDITIONS):
            return self.application(environ, start_response)  # the middleware answers 304s
        request = WSGIRequest(environ)
        page = _local.get(page_key(request)) if may_keep(request) else None
        if not is_current(page, content_version()):
            return self.application(environ, start_response)
        coding = page.coding_for(request)
        start_response(page.status, [*page.headers[coding], (STATUS_HEADER, "hit")])
        return [b"" if request.method == "HEAD" else page.bodies[coding]]


# --- The shared cache ------------------------------------------------------------------------

_shared_down_until = 0.0
# After a failure, leave the shared cache alone this long: every request would otherwise wait for it.
RETRY_SECONDS = 5


def shared_cache_down() -> bool:
    return time.monotonic() < _shared_down_until


def mark_shared_cache_down():
    global _shared_down_until
    _shared_down_until = time.monotonic() + RETRY_SECONDS
    logger.warning("The page cache's store is unreachable; each process keeps its own pages for %s s", RETRY_SECONDS)


def shared_get(key):
    if shared_cache_down():
        return None
    try:
        return cache.get(key)
    except Exception:
        mark_shared_cache_down()
        return None


def shared_set(key, page):
    if shared_cache_down():
        return
    try:
        # Kept well past its freshness, to be served while Django cannot answer.
        cache.set(key, page, timeout=settings.PAGE_CACHE_STALE_SECONDS)
    except Exception:
        mark_shared_cache_down()


# --- The content version ---------------------------------------------------------------------

_version = {"value": "", "read_at": float("-inf")}


def content_version() -> str:
    """Return the site's content version, read from the database at most once per PAGE_CACHE_RECHECK_SECONDS."""
    if time.monotonic() - _version["read_at"] >= settings.PAGE_CACHE_RECHECK_SECONDS:
        try:
            rows = apps.get_model("esfomo", "Edition").objects.order_by("pk").values_list("pk", "content_version")
            _version["value"] = hashlib.sha1(repr(list(rows)).encode(), usedforsecurity=False).hexdigest()
        except DatabaseError:
            # The database is down, so nothing can change: the version last read still holds.
            logger.warning("Could not read the content version; serving the pages kept for the last one")
        _version["read_at"] = time.monotonic()
    return _version["value"]


def recheck():
    """Make this process read the content version at its next request (it saved a change)."""
    _version["read_at"] = float("-inf")


@functools.cache
def release() -> str:
    """A digest of what renders pages: the project's code and templates and the static files' manifest."""
    base = Path(settings.BASE_DIR)
    roots = [Path(app.path) for app in apps.get_app_configs() if Path(app.path).is_relative_to(base)]
    roots += [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", ())]
    files = sorted({path for root in roots for path in root.rglob("*") if path.suffix in (".py", ".html", ".txt")})
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    digest = hashlib.blake2b(digest_size=8)
    for path in [*files, manifest] if manifest.exists() else files:
        digest.update(path.read_bytes())
    return digest.hexdigest()
