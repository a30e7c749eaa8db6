"""Django's PostgreSQL backend, with a health check that costs no round trip to the server.

Persistent connections (CONN_MAX_AGE) outlive a database restart, so each request first checks
the connection it inherits (CONN_HEALTH_CHECKS). Django checks by sending `SELECT 1`, one more
round trip for every request, as much as a whole page read costs the homepage. Yet a server that
ends a connection (restart, failover, idle timeout, pg_terminate_backend) says so on its socket:
it sends a last error and closes it. An idle connection otherwise has nothing to read, so a socket
with anything to read, or a closed one, means the connection is replaced before it is used.

The check after an error inside a request stays Django's (`is_usable`, a real query).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        """Close an inherited connection that the server has ended, as Django's check does, without a query."""
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not self.is_open_at_the_server():
            self.close()
        self.health_check_done = True

    def is_open_at_the_server(self) -> bool:
        """Whether the idle connection is still open at the server's end: nothing to read, and no error."""
        if self.connection.closed or self.connection.broken:
            return False
        try:
            readable, _, errors = select.select([self.connection.fileno()], [], [self.connection.fileno()], 0)
        except (OSError, ValueError):
            return False
        return not readable and not errors
