"""The site's content version: what every cached page is checked against before it is served.

With a shared cache (Redis) it is a token kept in the cache, replaced by `bump()` whenever content
changes: `Edition.objects.touch()`, which every save or delete of content calls, bumps once the
transaction commits, and Redis tells every process at once (esfomo/redis_cache.py). With a
process-local cache (local memory) it is derived from the editions' own versions in the
database, since only the database knows what other processes changed.
"""

import hashlib
import logging
import math
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
_this_thread = threading.local()


def page_cache():
    """Return this thread's cache backend (kept at hand: Django's lookup costs more than a hit)."""
    cache = getattr(_this_thread, "cache", None)
    if cache is None:
        cache = _this_thread.cache = caches[settings.PAGE_CACHE_ALIAS]
    return cache


@receiver(setting_changed)
def _forget_cache(setting, **kwargs):
    if setting in ("CACHES", "PAGE_CACHE_ALIAS"):
        global _this_thread
        _this_thread = threading.local()


def new_version() -> str:
    """Return a version token never used before: milliseconds since the epoch and a random part."""
    return f"{time.time_ns() // 1_000_000}-{secrets.token_hex(4)}"


def version_time(version: str) -> int:
    """Return the moment a version began, in whole seconds rounded up (for Last-Modified)."""
    return math.ceil(int(version.partition("-")[0]) / 1000)


def current_version(cache) -> str:
    """Return the content version, starting one if the cache has none (first start, flush, eviction)."""
    if isinstance(cache, LocMemCache):
        # One process's memory: only the database knows of changes made by other processes.
        return database_version()
    if hasattr(cache, "get_watched"):  # Redis: read again only when told of a change
        version = cache.get_watched(VERSION_KEY, recheck=settings.PAGE_CACHE_RECHECK_SECONDS)
    else:
        version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def database_version() -> str:
    """Return a version derived from every edition's content version (one small query)."""
    # Imported here: the models module imports this one.
    from esfomo.models import Edition

    rows = list(Edition.objects.order_by("pk").values_list("pk", "content_version", "content_changed_at"))
    # Versions only grow and keys are never reused, so this list never repeats.
    digest = hashlib.blake2b(repr([row[:2] for row in rows]).encode(), digest_size=8).hexdigest()
    latest = max((row[2] for row in rows), default=None)
    return f"{int(latest.timestamp() * 1000) if latest else 0}-{digest}"


def bump():
    """Start a new content version: every stored page is stale at once, in every process."""
    cache = page_cache()
    if isinstance(cache, LocMemCache | DummyCache):
        return  # the editions' versions in the database are the version
    try:
        write = getattr(cache, "set_notifying", cache.set)
        write(VERSION_KEY, new_version(), timeout=None)
    except Exception:
        logger.exception("Could not start a new page cache version; pages may stay stale up to PAGE_CACHE_SECONDS")


def bump_on_commit(using=None):
    """Bump once the current transaction commits, so that no process renders the old rows under the new version."""
    transaction.on_commit(bump, using=using)
