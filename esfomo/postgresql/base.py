"""Django's PostgreSQL backend, with a health check that costs no round trip to the server.

Persistent connections (CONN_MAX_AGE) outlive a database restart, so each request first checks
the connection it inherits (CONN_HEALTH_CHECKS). Django checks by sending `SELECT 1`, one more
round trip for every request, as much as a whole page read costs the homepage. Yet a server that
ends a connection (restart, failover, idle timeout, pg_terminate_backend) says so on its socket:
it sends a last error and closes it. An idle connection otherwise has nothing to read, so a socket
with anything to read, or a closed one, means the connection is replaced before it is used.

The check after an error inside a request stays Django's (`is_usable`, a real query).
"""

import logging
import select

from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        """Close an inherited connection that the server has ended, as Django's check does, without a query."""
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not self.is_open_at_the_server():
            # Rare (a restart, a timeout); if a host logs this at every request, something on the way
            # to the database writes to idle connections and this check does not suit it.
            logger.info("The database ended a connection; opening a new one")
            self.close()
        self.health_check_done = True

    def is_open_at_the_server(self) -> bool:
        """Whether the idle connection is still open at the server's end: nothing to read, and no error."""
        if self.connection.closed or self.connection.broken:
            return False
        try:
            return not has_input(self.connection.fileno())
        except (OSError, ValueError):
            return False


def has_input(fd: int) -> bool:
    """Whether the socket has data, an end of stream or an error waiting, without waiting for any."""
    if hasattr(select, "poll"):  # any descriptor number, where select() stops at 1024
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _, errors = select.select([fd], [], [fd], 0)
    return bool(readable or errors)
