"""The health check of persistent connections: an ended connection is replaced, a live one kept, no query asked."""

import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    require(connection.vendor == "postgresql", "the health check is PostgreSQL's: set DATABASE_URL")
    assert connection.health_check_enabled
    connection.ensure_connection()
    yield connection
    connection.close()


def backend_pid(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def start_of_a_request(conn):
    """What Django does as a request starts: the inherited connection is checked before its first use."""
    conn.close_if_unusable_or_obsolete()


def end_at_the_server(pid):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_live_connection_is_kept_and_checked_without_a_query(postgresql):
    pid = backend_pid(postgresql)
    start_of_a_request(postgresql)
    with CaptureQueriesContext(postgresql) as queries:
        postgresql.close_if_health_check_failed()
    assert postgresql.connection is not None
    assert len(queries) == 0
    assert backend_pid(postgresql) == pid


def test_a_connection_the_server_ended_is_replaced_before_it_is_used(postgresql):
    pid = backend_pid(postgresql)
    end_at_the_server(pid)
    # The server's farewell (an error, then the end of the stream) reaches the socket a moment later.
    deadline = time.monotonic() + 5
    while postgresql.is_open_at_the_server() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not postgresql.is_open_at_the_server()
    start_of_a_request(postgresql)
    assert backend_pid(postgresql) != pid  # a new connection answered, not an error
