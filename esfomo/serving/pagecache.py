"""Full-page cache for what anonymous visitors see, answered in front of Django.

- A view opts in with `@public_page` (or `public_page(view)` in a urls module). Its response to a
  visitor who is not logged in gets an ETag, `Cache-Control: public` with `s-maxage` for CDNs and
  `Vary: Cookie`, and is marked for storing; a logged-in organizer's response is `private, no-store`.
- `PageCache`, the WSGI application wrapped around Django in `esfomo/wsgi.py`, stores marked
  responses (with brotli and gzip bodies made once) and answers later requests for the same
  address itself: no Django middleware, no database. Requests carrying a session cookie (staff)
  go straight to Django.
- Every stored page is tagged with the site's content version (esfomo/content_version.py) and is
  served only while that is still the version: with Redis, a hit costs no database query and
  usually no round trip; with local memory, one small query. The version is read before the page
  is rendered, so a render racing a change is stored under the old version and never served.
- Hits answer conditional requests (If-None-Match, If-Modified-Since) with 304. Last-Modified is
  the time of the content version unless the view set its own.
- Resilience: when the shared cache cannot be reached, this process leaves it alone for
  `PAGE_CACHE_RETRY_SECONDS` and serves its own pages, checked against the editions' versions in
  the database (one small query per hit); a bump missed meanwhile is bounded by
  `PAGE_CACHE_SECONDS`. When Django cannot answer (5xx, e.g. the database is down), the last
  stored copy of the page is served instead (`X-Page-Cache: stale`).

A view may opt in when its response depends only on the address (scheme, host, path) and the
content: not on cookies, headers or the user. Requests with a query string are left to Django,
so that endless variants of an address cannot fill the cache. Pages are keyed by a fingerprint of
the release's code, templates and static files too, so a deploy never serves older markup.
"""

import functools
import gzip
import hashlib
import logging
import threading
import time
from pathlib import Path

import brotli
from django.apps import apps
from django.conf import settings
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver
from django.http.cookie import parse_cookie
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from esfomo.serving.content_version import current_version, database_version, page_cache, version_time

logger = logging.getLogger(__name__)

# The number changes with the format of a stored page, so a release never reads an older one.
PAGE_KEY_PREFIX = "pagecache:page1:"
# Set by `public_page` on responses that may be stored; PageCache removes it before anyone sees it.
STORE_HEADER = "X-Page-Cache-Store"
STATUS_HEADER = "X-Page-Cache"
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "+xml", "+json")
MIN_COMPRESS_BYTES = 256
# Headers a 304 repeats (RFC 9110, 15.4.5), as Django's own conditional responses do.
NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary"}
)

_cache_down_until = 0.0


# --- Opting a view in -------------------------------------------------------------


def public_page(view):
    """Let anonymous visitors' responses of this view be stored and shared (page cache, CDN)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            # Organizers may see unpublished content: never shared, never kept.
            patch_cache_control(response, private=True, no_store=True)
            return response
        patch_vary_headers(response, ("Cookie",))
        if getattr(response, "is_rendered", True):
            return _share(request, response)
        # A TemplateResponse (e.g. the sitemap): its content exists once rendered.
        response.add_post_render_callback(lambda rendered: _share(request, rendered))
        return response

    return wrapper


def _share(request, response):
    """Mark a rendered anonymous response as shareable, with its validators; answer 304 when the client has it."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return response
    if not response.has_header("ETag"):
        response["ETag"] = content_etag(response.content)
    shared = {
        "public": True,
        "s_maxage": settings.PAGE_CACHE_SECONDS,
        "stale_while_revalidate": settings.PAGE_CACHE_SECONDS,
        "stale_if_error": 24 * 3600,  # a CDN keeps serving the site while the origin is down
    }
    if "max-age" not in response.get("Cache-Control", ""):
        # Browsers revalidate every time (a 304 from the page cache costs nothing), unless the
        # view chose otherwise (calendar feeds may be kept a few minutes).
        shared["max_age"] = 0
    patch_cache_control(response, **shared)
    response[STORE_HEADER] = "1"
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


def content_etag(body: bytes) -> str:
    """A weak validator from the body's bytes: it changes when they do."""
    # SHA-1 for its speed (processors compute it in hardware, twice as fast as BLAKE2 here), not for
    # security: an ETag only has to tell two versions of a page apart.
    return f'W/"{hashlib.sha1(body, usedforsecurity=False).hexdigest()[:24]}"'


# --- The WSGI layer ---------------------------------------------------------------


def cache_is_down() -> bool:
    return time.monotonic() < _cache_down_until


def mark_cache_down():
    global _cache_down_until
    _cache_down_until = time.monotonic() + settings.PAGE_CACHE_RETRY_SECONDS
    logger.warning("Page cache unreachable; serving from the database for %ss", settings.PAGE_CACHE_RETRY_SECONDS)


@receiver(setting_changed)
def _forget_cache_state(setting, **kwargs):
    if setting in ("CACHES", "PAGE_CACHE_ALIAS"):
        global _cache_down_until, _this_thread
        _cache_down_until = 0.0


def code_fingerprint() -> str:
    """Return a digest of what renders pages (the project's code, templates and static manifest).

    It is part of every page's key, so a new release never serves pages an older one rendered
    (with other markup, or links to static files that no longer exist), while the processes of
    one release share theirs.
    """
    base = Path(settings.BASE_DIR)
    roots = [Path(app.path) for app in apps.get_app_configs() if Path(app.path).is_relative_to(base)]
    roots += [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", ())]
    files = sorted({path for root in roots for path in root.rglob("*") if path.suffix in (".py", ".html", ".txt")})
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    digest = hashlib.blake2b(digest_size=8)
    for path in [*files, manifest] if manifest.exists() else files:
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def page_key(environ, prefix=PAGE_KEY_PREFIX) -> str:
    """Return the cache key of everything in a request that a public page's response depends on."""
    parts = (
        environ.get("wsgi.url_scheme", ""),
        # Raw, as Django reads it for request.scheme (SECURE_PROXY_SSL_HEADER).
        environ.get("HTTP_X_FORWARDED_PROTO", ""),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
        environ.get("SERVER_PORT", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
    )
    digest = hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()
    return prefix + digest


def preferred_encoding(accept_encoding: str, available) -> str:
    """Return "br", "gzip" or "identity": the best body the client accepts."""
    accepted = _accepted_codings.get(accept_encoding)
    if accepted is None:
        accepted = accepted_codings(accept_encoding)
        if len(_accepted_codings) < 100:  # a handful of browsers send a handful of headers
            _accepted_codings[accept_encoding] = accepted
    for coding in accepted:
        if coding in available:
            return coding
    return "identity"


_accepted_codings = {}


def accepted_codings(accept_encoding: str) -> tuple:
    """Return which of brotli and gzip an Accept-Encoding header accepts, the preferred first."""
    weights = {}
    for part in accept_encoding.split(","):
        coding, _, params = part.partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    return tuple(coding for coding in ("br", "gzip") if weights.get(coding, weights.get("*", 0.0)) > 0)


def compressed_bodies(body: bytes, content_type: str) -> dict:
    bodies = {"identity": body}
    if len(body) >= MIN_COMPRESS_BYTES and any(kind in content_type for kind in COMPRESSIBLE_TYPES):
        for coding, compressed in (
            ("br", brotli.compress(body, quality=11)),
            ("gzip", gzip.compress(body, compresslevel=9, mtime=0)),
        ):
            if len(compressed) < len(body):
                bodies[coding] = compressed
    return bodies


class Page:
    """A stored response: its version, expiry, status, headers and bodies by content coding."""

    __slots__ = ("bodies", "etag", "expires", "headers", "last_modified", "status", "version")

    def __init__(self, version, expires, status, headers, bodies, etag, last_modified):
        self.version = version
        self.expires = expires
        self.status = status
        self.headers = headers
        self.bodies = bodies
        self.etag = etag
        self.last_modified = last_modified

    def __getstate__(self):
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state):
        for name, value in zip(self.__slots__, state, strict=True):
            setattr(self, name, value)

    @classmethod
    def from_response(cls, version, status, headers, body):
        kept, content_type, etag, last_modified, vary = [], "", None, None, ["Accept-Encoding"]
        for name, value in headers:
            lower = name.lower()
            if lower == "content-type":
                content_type = value
            elif lower == "etag":
                etag = value
                continue
            elif lower == "last-modified":
                last_modified = parse_http_date_safe(value)
                continue
            elif lower == "vary":
                vary.extend(v.strip() for v in value.split(",") if v.strip().lower() != "accept-encoding")
                continue
            elif lower in ("content-length", "content-encoding", "date", STORE_HEADER.lower()):
                continue
            kept.append((name, value))
        kept.append(("Vary", ", ".join(vary)))
        if etag is None:
            etag = content_etag(body)
        kept.append(("Last-Modified", http_date(last_modified or version_time(version))))
        return cls(
            version,
            time.time() + settings.PAGE_CACHE_SECONDS,
            status,
            kept,
            compressed_bodies(body, content_type),
            etag,
            last_modified or version_time(version),
        )

    def is_current(self, version) -> bool:
        return self.version == version and self.expires > time.time()

    def is_fresh_for(self, environ) -> bool:
        """Whether the client already holds this page (RFC 9110 13.2.2: If-None-Match wins)."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            wanted = parse_etags(if_none_match)
            mine = self.etag.removeprefix("W/")
            return "*" in wanted or any(tag.removeprefix("W/") == mine for tag in wanted)
        if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if if_modified_since is not None:
            since = parse_http_date_safe(if_modified_since)
            return since is not None and self.last_modified <= since
        return False

    def respond(self, environ, start_response, outcome):
        if self.is_fresh_for(environ):
            headers = [(n, v) for n, v in self.headers if n.lower() in NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", [*headers, ("ETag", self.etag), (STATUS_HEADER, outcome)])
            return [b""]
        coding = preferred_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), self.bodies)
        body = self.bodies[coding]
        headers = [*self.headers, ("Content-Length", str(len(body)))]
        etag = self.etag
        if coding != "identity":
            headers.append(("Content-Encoding", coding))
            if not etag.startswith("W/"):
                etag = "W/" + etag  # the same content in another coding: a weak validator
        headers += [("ETag", etag), (STATUS_HEADER, outcome)]
        start_response(self.status, headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]


class PageCache:
    """WSGI application in front of Django that answers anonymous requests for public pages from the cache.

    Each process also keeps the pages it served last (`PAGE_CACHE_LOCAL_ENTRIES`), valid while
    they carry the shared content version, so a hit usually costs one small cache read.
    """

    def __init__(self, application):
        self.application = application
        self.skipped_prefixes = tuple(
            url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url and url.startswith("/")
        )
        self.key_prefix = f"{PAGE_KEY_PREFIX}{code_fingerprint()}:"
        self.local = {}
        self.local_lock = threading.Lock()

    def __call__(self, environ, start_response):
        cache = page_cache()
        # In local development (DEBUG) a template edit must show at once: Django answers everything.
        if settings.DEBUG or isinstance(cache, DummyCache) or not self.may_serve(environ):
            return self.pass_through(environ, start_response)
        key = page_key(environ, self.key_prefix)
        page = self.local.get(key)
        try:
            version, shared = self.version(None if cache_is_down() else cache)
            if page is None or not page.is_current(version):
                stored = self.shared_page(shared, key)
                if stored is not None:
                    page = stored
                    if page.is_current(version):
                        self.keep(key, page)
        except DatabaseError:
            # The database is down (a process-local cache asks it for the version): any page beats an error.
            if page is not None:
                return page.respond(environ, start_response, "stale")
            return self.pass_through(environ, start_response)
        if page is not None and page.is_current(version):
            return page.respond(environ, start_response, "hit")
        return self.render_and_store(environ, start_response, shared, key, version, stale=page)

    @staticmethod
    def version(shared):
        """Return the content version and the shared cache to use, or None when it has failed.

        Without the shared cache (Redis unreachable), the editions' versions in the database say
        whether this process's own pages are current: the site stays fast on the conference day
        even then, at the cost of one small query per hit.
        """
        if shared is not None:
            try:
                return current_version(shared), shared
            except DatabaseError:
                raise
            except Exception:
                mark_cache_down()
        return database_version(), None

    @staticmethod
    def shared_page(shared, key):
        if shared is None:
            return None
        try:
            return shared.get(key)
        except Exception:
            mark_cache_down()
            return None

    def keep(self, key, page):
        with self.local_lock:
            self.local.pop(key, None)
            if len(self.local) >= settings.PAGE_CACHE_LOCAL_ENTRIES:
                del self.local[next(iter(self.local))]  # the longest kept
            self.local[key] = page

    def may_serve(self, environ) -> bool:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return False
        if environ.get("PATH_INFO", "").startswith(self.skipped_prefixes):
            return False
        if environ.get("QUERY_STRING"):
            # Endless variants of one page (?utm_source=…) would fill the cache: Django answers them.
            return False
        cookie = environ.get("HTTP_COOKIE")
        if not cookie:
            return True
        names = parse_cookie(cookie).keys()
        return settings.SESSION_COOKIE_NAME not in names and not (settings.PAGE_CACHE_BYPASS_COOKIES & names)

    def pass_through(self, environ, start_response):
        def start_without_mark(status, headers, exc_info=None):
            headers = [(name, value) for name, value in headers if name != STORE_HEADER]
            return start_response(status, headers, exc_info)

        return self.application(environ, start_without_mark)

    def render_and_store(self, environ, start_response, cache, key, version, stale=None):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.application(environ, capture)
        status, headers = captured["status"], captured["headers"]
        if status.startswith("5") and stale is not None:
            # Django could not answer (the database is down, say): the last stored page beats an error.
            if hasattr(result, "close"):
                result.close()
            return stale.respond(environ, start_response, "stale")
        storable = (
            environ["REQUEST_METHOD"] == "GET"
            and status.startswith("200")
            and "written" not in captured
            and any(name == STORE_HEADER for name, _ in headers)
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        )
        if not storable:
            start_response(status, [(n, v) for n, v in headers if n != STORE_HEADER], captured["exc_info"])
            if "written" in captured:  # the application used write(): send that first
                try:
                    return [*captured["written"], *result]
                finally:
                    if hasattr(result, "close"):
                        result.close()
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        page = Page.from_response(version, status, headers, body)
        self.keep(key, page)
        if cache is not None:
            try:
                # Kept well past its freshness, to answer while Django cannot.
                cache.set(key, page, timeout=settings.PAGE_CACHE_STALE_SECONDS)
            except Exception:
                mark_cache_down()
        return page.respond(environ, start_response, "miss")
