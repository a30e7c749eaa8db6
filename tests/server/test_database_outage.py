"""The database goes away and comes back: the site answers 503 meanwhile, then recovers by itself.

A TCP relay between gunicorn and PostgreSQL is cut (every connection dropped, new ones refused)
and restored; the shared PostgreSQL server itself is never touched. Before the cut only /healthz
is asked for (it opens the database connection and is never cached), so the pages checked for the
outage page cannot come from a page cache. The last tests warm the page cache first and expect
those pages to keep being served during the cut.
"""

import json

import pytest
import redis

from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/call/", "/2024/", "/papers/", "/people/tri-dao/"]


def assert_friendly_outage_page(response):
    assert response.status == 503, response.text[:500]
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Content-Type"].startswith("text/html")
    assert "no-store" in response.headers["Cache-Control"]
    assert "back in a moment" in response.text
    assert 'href="/static/css/site.' in response.text  # in the site's look, with its stylesheet
    for leak in ("Traceback", "OperationalError", "psycopg", "connection", "Server Error (500)"):
        assert leak not in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_pages_answer_503_while_the_database_is_down_and_recover_without_a_restart(serve):
    site = serve(behind_proxy=True)
    assert site.get("/healthz").status == 200  # a connection to the database is open

    site.proxy.cut()
    for path in PUBLIC_PAGES:
        assert_friendly_outage_page(site.get(path))
    health = site.get("/healthz")
    assert health.status == 503
    assert json.loads(health.body) == {"status": "unavailable", "database": "down"}

    site.proxy.restore()
    # The first request after the database is back is served: no restart, no stale connection.
    home = site.get("/")
    assert home.status == 200
    assert "Efficient Systems for Foundation Models" in home.text
    assert site.get("/healthz").status == 200
    for path in PUBLIC_PAGES:
        assert site.get(path).status == 200, path

    log = site.log()
    assert "Traceback" not in log
    assert "Database unreachable while serving /" in log


@pytest.mark.parametrize("path", ["/", "/call/"])
def test_a_connection_the_database_ended_between_requests_is_replaced_unnoticed(serve, path):
    """A restart between two requests: the next one opens a new connection instead of failing on the old.

    Without a page cache: the first query of the request is Django's own, not the page cache's.
    """
    site = serve(behind_proxy=True, threads=1, extra_env={"CACHE_URL": "dummycache://"})
    assert site.get("/healthz").status == 200  # the one thread's connection is open
    site.proxy.cut()
    site.proxy.restore()
    response = site.get(path)
    assert response.status == 200, response.text[:500]
    assert "Database unreachable" not in site.log()


def test_a_signed_in_organizer_gets_the_outage_page_too(serve, django_user_model):
    """With a session cookie, the session itself is read from the database: still a 503, not a 500."""
    site = serve(behind_proxy=True)
    cookie = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345", "X-Forwarded-Proto": "https"}
    site.proxy.cut()
    for path in ("/", "/admin/", "/admin/login/"):
        assert_friendly_outage_page(site.get(path, headers=cookie))
    site.proxy.restore()
    assert site.get("/admin/login/", headers=cookie).status == 200


def test_an_unreachable_database_gives_the_outage_page_instead_of_a_hang(serve):
    """New connections hang unanswered: the connection timeout turns that into the 503 page."""
    site = serve(behind_proxy=True)
    assert site.get("/healthz").status == 200
    site.proxy.stall()
    assert_friendly_outage_page(site.get("/", timeout=50))
    assert site.get("/healthz", timeout=50).status == 503
    site.proxy.restore()
    assert site.get("/").status == 200


REDIS_URL = "redis://127.0.0.1:6379/5"


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_pages_in_the_shared_cache_keep_being_served_while_the_database_is_down(serve):
    """With Redis, a cached page needs no database at all: visitors keep reading the programme."""
    require(redis_is_up(), f"Redis is not answering at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    site = serve(behind_proxy=True, extra_env={"CACHE_URL": REDIS_URL})
    first = site.get("/")
    assert (first.status, first.headers["X-Page-Cache"]) == (200, "miss")
    assert site.get("/").headers["X-Page-Cache"] == "hit"

    site.proxy.cut()
    during = site.get("/")
    assert (during.status, during.headers["X-Page-Cache"]) == (200, "hit")
    assert during.body == first.body
    # A page nobody asked for before the outage cannot come from the cache: the friendly 503.
    assert_friendly_outage_page(site.get("/call/"))
    assert site.get("/healthz").status == 503

    site.proxy.restore()
    assert site.get("/call/").status == 200
    assert site.get("/healthz").status == 200


def test_without_redis_a_process_serves_its_own_copy_while_the_database_is_down(serve):
    """With the default process-local cache: nothing can change while the database is down, the copy stands."""
    site = serve(behind_proxy=True, extra_env={"CACHE_URL": None, "PAGE_CACHE_RECHECK_SECONDS": "0"})
    first = site.get("/")
    assert first.status == 200

    site.proxy.cut()
    during = site.get("/")
    assert (during.status, during.headers["X-Page-Cache"]) == (200, "hit")
    assert during.body == first.body

    site.proxy.restore()
    assert site.get("/").headers["X-Page-Cache"] in ("hit", "miss")
