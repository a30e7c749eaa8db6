"""Django's Redis cache backend, with a reused client and keys that announce their changes.

- Django builds a `redis.Redis` for every cache call, which costs more than the round trip itself
  (about 50 µs with redis-py 8). A client is safe to share between threads, and its connection
  pool reconnects after a fork, so each backend keeps one.
- `set_notifying()` writes a key and publishes that it changed; `get_watched()` reads it again
  only when such a notice arrived, when it never read it, or after `recheck` seconds (in case the
  network silently cut the subscription), and
  otherwise answers from memory after a non-blocking look at its subscription. Redis delivers a
  notice to every subscriber before the writer's own command returns, so a process sees a change
  made by another one before that process has answered its request. The page cache reads its
  content version this way on every request (see esfomo/content_version.py).
"""

import select
import time

from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

UNREAD = object()


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class Watch:
    """One key's last value, kept while the subscription to its change notices stays quiet."""

    def __init__(self, client, channel):
        self.client = client
        self.channel = channel
        self.pubsub = None
        self.value = UNREAD
        self.read_at = 0.0
        self.full_key = None

    def get(self, read, recheck):
        """Return the key's value, calling `read()` only when it may have changed or after `recheck` seconds."""
        now = time.monotonic()
        if self.value is not UNREAD and now - self.read_at <= recheck and not self.notice_waiting():
            return self.value
        try:
            if self.pubsub is None:
                self.subscribe()
            # Drain every notice, including any the client library had already buffered.
            while (message := self.pubsub.get_message(timeout=0)) is not None:
                if message["type"] == "message":
                    self.value = UNREAD
        except Exception:
            self.close()
            raise
        if self.value is UNREAD or now - self.read_at > recheck:
            # Read after the subscription is confirmed: a change from now on cannot go unnoticed.
            value = read()
            # A missing key is not kept: whoever creates it may not announce it.
            self.value, self.read_at = (UNREAD if value is None else value), now
            return value
        return self.value

    def notice_waiting(self) -> bool:
        """Whether the subscription's socket has bytes to read (a cheap poll instead of the library's read)."""
        sock = getattr(self.pubsub.connection, "_sock", None) if self.pubsub else None
        if sock is None:
            return True
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)

    def subscribe(self):
        pubsub = self.client.pubsub()
        pubsub.subscribe(self.channel)
        # The server has registered the subscription once it confirms it.
        message = pubsub.get_message(timeout=2)
        if message is None or message["type"] != "subscribe":
            pubsub.close()
            raise ConnectionError(f"Redis did not confirm the subscription to {self.channel}")
        self.pubsub = pubsub
        self.value = UNREAD

    def close(self):
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            finally:
                self.pubsub = None
        self.value = UNREAD


class RedisCache(django_redis.RedisCache):
    @cached_property
    def _cache(self):
        return ReusingRedisCacheClient(self._servers, **self._options)

    def _channel(self, key):
        db = self._cache.get_client(write=True).connection_pool.connection_kwargs.get("db", 0)
        return f"changed:{db}:{key}"

    @cached_property
    def _watches(self):
        return {}

    def get_watched(self, key, default=None, recheck=1.0):
        watch = self._watches.get(key)
        if watch is None:
            full_key = self.make_and_validate_key(key)
            watch = Watch(self._cache.get_client(full_key, write=True), self._channel(full_key))
            watch.full_key = full_key
            self._watches[key] = watch
        return watch.get(lambda: self._cache.get(watch.full_key, default), recheck)

    def set_notifying(self, key, value, timeout=None):
        key = self.make_and_validate_key(key)
        self._cache.set(key, value, self.get_backend_timeout(timeout))
        self._cache.get_client(key, write=True).publish(self._channel(key), b"1")
