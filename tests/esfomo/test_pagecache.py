"""The page cache: hits without the database or a view, every content change shown, 304s, compression, resilience."""

import gzip
import io
from unittest import mock

import brotli
import pytest
import redis
from django.core.cache import caches
from django.db import OperationalError, connection
from django.db.models import F
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path as url_path

from esfomo.models import Edition, Page
from esfomo.serving import pagecache
from esfomo.serving.pagecache import public_page
from people.models import Person, Role
from program.models import Session, Talk
from tests.conftest import require
from tests.factories import AnnouncementFactory, PageFactory, PaperFactory, RoleFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/3"
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
PUBLIC = ("/", "/2024/", "/call/", "/papers/", "/people/", "/people/tri-dao/", "/feed/", "/schedule.ics",
          "/schedule.json", "/schedule.xml", "/important-dates.ics", "/sitemap.xml", "/robots.txt")  # fmt: skip


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def shared_cache():
    """The page cache on Redis (database 3), emptied, as several processes share it."""
    require(redis_is_up(), f"Redis is not answering at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    with override_settings(CACHES=REDIS):
        yield caches["default"]
    redis.Redis.from_url(REDIS_URL).flushdb()


def outcome(response):
    return response.get(pagecache.STATUS_HEADER)


def kept_keys():
    return redis.Redis.from_url(REDIS_URL).keys("*page:*")


# --- Hits --------------------------------------------------------------------------------


def test_a_warm_hit_runs_no_query_and_no_view(shared_cache, client, django_assert_num_queries, django_db_blocker):
    first = client.get("/")
    assert outcome(first) == "miss"
    with django_assert_num_queries(0), django_db_blocker.block(), mock.patch("esfomo.pages.homepage.render") as view:
        again = client.get("/")
    assert not view.called
    assert (outcome(again), again.content) == ("hit", first.content)


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_page_is_kept(shared_cache, client, path, django_assert_num_queries):
    assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        again = client.get(path)
    assert (again.status_code, outcome(again)) == (200, "hit")


def test_another_process_finds_the_page_in_the_shared_cache(shared_cache, django_assert_num_queries):
    assert outcome(Client().get("/call/")) == "miss"
    with django_assert_num_queries(0):
        assert outcome(Client().get("/call/")) == "hit"


def test_shared_headers_let_cdns_keep_pages_briefly_and_browsers_revalidate(shared_cache, client, settings):
    for response in (client.get("/"), client.get("/")):
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "max-age=0", f"s-maxage={settings.PAGE_CACHE_SECONDS}"} <= directives
        assert response["Vary"] == "Cookie, Accept-Encoding"
        assert response["ETag"] and response["Last-Modified"]
        assert "X-Page-Cache-Keep" not in response
        # The headers of the whole stack are kept with the page.
        assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("accept", "coding", "decode"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
        ("", None, lambda body: body),
    ],
)
def test_pages_are_served_compressed_as_the_client_accepts(shared_cache, client, accept, coding, decode):
    plain = client.get("/").content
    response = client.get("/", headers={"Accept-Encoding": accept})
    assert outcome(response) == "hit"
    assert response.get("Content-Encoding") == coding
    assert decode(response.content) == plain
    assert int(response["Content-Length"]) == len(response.content)


def test_a_head_request_gets_the_headers_only(shared_cache, client):
    page = client.get("/")
    for _ in range(2):  # kept or not, HEAD answers as GET without a body
        head = client.head("/")
        assert (head.status_code, head.content) == (200, b"")
        assert head["Content-Length"] == str(len(page.content))
        assert head["ETag"] == page["ETag"]
    assert outcome(head) == "hit"


def test_head_before_any_get_is_answered_and_not_kept(shared_cache, client):
    head = client.head("/papers/")
    assert (head.status_code, head.content) == (200, b"")
    assert outcome(client.get("/papers/")) == "miss"


def test_pages_differ_by_address_and_scheme(shared_cache, client):
    assert client.get("/").content != client.get("/call/").content
    assert outcome(client.get("/", secure=True)) == "miss"
    assert outcome(client.get("/", secure=True)) == "hit"


def test_addresses_with_a_query_string_are_left_to_django(shared_cache, client):
    client.get("/")
    assert outcome(client.get("/?utm_source=feed")) is None
    assert outcome(client.get("/?utm_source=feed")) is None


def test_no_request_grows_the_cache_beyond_the_sites_own_pages(shared_cache, client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    hosts = ["testserver", "127.0.0.1", *(f"127.0.0.1:{port}" for port in range(8000, 8100)), "127.0.0.1:018237"]
    for host in hosts:
        for path in ("/", "/?a=1", "/nowhere/", "/2024/", "/2024"):
            client.get(path, headers={"Host": host})
        client.get("/", headers={"Host": "evil.example"})
    # Two pages, whatever host, port, query or made-up address was asked.
    assert len(kept_keys()) == 2


def test_a_host_outside_allowed_hosts_is_refused_even_for_a_kept_page(shared_cache, client):
    client.get("/")
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_pages_hold_the_sites_address_whatever_host_was_asked(shared_cache, client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "alias.example"]
    page = client.get("/", headers={"Host": "alias.example"}).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/">' in page
    assert "alias.example" not in page


def test_a_new_release_never_serves_pages_of_the_previous_one(shared_cache, client):
    client.get("/call/")
    pagecache.release.cache_clear()
    with mock.patch("esfomo.serving.pagecache.release", return_value="next-release"):
        assert outcome(Client().get("/call/")) == "miss"


# --- Changes -------------------------------------------------------------------------------


def change_edition(edition):
    edition.tagline = "A new tagline."
    edition.save()


CHANGES = {
    "edition": change_edition,
    "page": lambda edition: PageFactory(edition=edition, slug="travel", title="Travel"),
    "announcement": lambda edition: AnnouncementFactory(edition=edition, title="Doors open"),
    "person": lambda edition: Person.objects.filter(roles__edition=edition).first().save(),
    "role": lambda edition: RoleFactory(edition=edition, kind=Role.Kind.ORGANIZER),
    "session": lambda edition: Session.objects.filter(edition=edition).first().save(),
    "talk": lambda edition: Talk.objects.filter(session__edition=edition).first().save(),
    "paper": lambda edition: PaperFactory(edition=edition),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_kind_of_content_change_is_visible_on_the_next_request(shared_cache, client, change):
    client.get("/")
    assert outcome(client.get("/")) == "hit"
    change(Edition.objects.get(year=2025))
    assert outcome(client.get("/")) == "miss"


def test_a_deletion_is_visible_on_the_next_request(shared_cache, client):
    assert "Travel" not in client.get("/").content.decode()
    page = PageFactory(edition=Edition.objects.get(year=2025), slug="travel", title="Travel")
    assert "Travel" in client.get("/").content.decode()
    page.delete()
    assert "Travel" not in client.get("/").content.decode()


def test_another_processes_change_shows_within_the_recheck_time(shared_cache, client, settings, monkeypatch):
    client.get("/call/")
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    pagecache.recheck()
    pagecache.content_version()
    # Another process saves: the counter moves in the database, this process is not told.
    Edition.objects.filter(year=2025).update(content_version=F("content_version") + 1)
    assert outcome(client.get("/call/")) == "hit"
    now[0] += settings.PAGE_CACHE_RECHECK_SECONDS
    assert outcome(client.get("/call/")) == "miss"


def test_scheduled_announcements_show_once_the_page_has_aged(shared_cache, client, settings, monkeypatch):
    client.get("/")
    monkeypatch.setattr(pagecache.time, "time", lambda: 4e9)
    assert outcome(client.get("/")) == "miss"


def test_signed_in_organizers_bypass_the_cache_and_see_drafts(shared_cache, client, admin_client):
    Page.objects.filter(slug="call").update(is_published=False)
    assert client.get("/call/").status_code == 404
    response = admin_client.get("/call/")
    assert response.status_code == 200
    assert outcome(response) is None
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert client.get("/call/").status_code == 404


def test_other_cookies_do_not_bypass_the_cache(shared_cache, client):
    client.get("/")
    client.cookies["csrftoken"] = "x" * 32
    assert outcome(client.get("/")) == "hit"


# --- Conditional requests --------------------------------------------------------------------


def test_a_client_holding_the_page_gets_304_without_a_body(shared_cache, client, django_assert_num_queries):
    etag = client.get("/")["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")


def test_a_first_request_with_a_current_etag_gets_304(shared_cache, client):
    etag = client.get("/call/")["ETag"]
    pagecache.clear()
    answer = Client().get("/call/", headers={"If-None-Match": etag})
    assert (answer.status_code, outcome(answer)) == (304, "miss")


def test_if_modified_since_gets_304(shared_cache, client):
    last_modified = client.get("/")["Last-Modified"]
    assert client.get("/", headers={"If-Modified-Since": last_modified}).status_code == 304


def test_a_compressed_copy_matches_the_same_etag(shared_cache, client):
    etag = client.get("/", headers={"Accept-Encoding": "br"})["ETag"]
    assert etag.startswith("W/")
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304


def test_after_a_change_the_old_etag_gets_the_new_page(shared_cache, client):
    etag = client.get("/")["ETag"]
    change_edition(Edition.objects.get(year=2025))
    answer = client.get("/", headers={"If-None-Match": etag})
    assert answer.status_code == 200 and "A new tagline." in answer.content.decode()


# --- Resilience ------------------------------------------------------------------------------


def test_with_redis_unreachable_each_process_keeps_its_own_pages(client, settings):
    unreachable = {"default": {**REDIS["default"], "LOCATION": "redis://127.0.0.1:9/0",
                               "OPTIONS": {"socket_connect_timeout": 0.2}}}  # fmt: skip
    with override_settings(CACHES=unreachable):
        assert (client.get("/").status_code, outcome(client.get("/"))) == (200, "hit")
        assert pagecache.shared_cache_down()
    pagecache._shared_down_until = 0.0


def test_while_the_database_is_down_kept_pages_are_served(shared_cache, client):
    client.get("/")
    pagecache.recheck()
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection")):
        answer = client.get("/")
    assert (answer.status_code, outcome(answer)) == (200, "hit")


def test_when_django_fails_the_last_kept_page_is_served(shared_cache, client):
    first = client.get("/")
    change_edition(Edition.objects.get(year=2025))
    with mock.patch("esfomo.pages.homepage.schedule_for", side_effect=OperationalError("connection refused")):
        answer = client.get("/")
    assert (answer.status_code, outcome(answer), answer.content) == (200, "stale", first.content)


def test_a_failing_page_that_was_never_kept_is_an_error(shared_cache, client):
    with mock.patch("esfomo.pages.homepage.schedule_for", side_effect=OperationalError("connection refused")):
        assert client.get("/").status_code == 503


def test_with_caching_off_every_request_goes_to_django(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _ in range(2):
        assert outcome(client.get("/")) is None


def test_in_local_development_every_request_goes_to_django(shared_cache, client, settings):
    settings.DEBUG = True
    for _ in range(2):
        assert outcome(client.get("/")) is None


# --- Opting in -------------------------------------------------------------------------------


@public_page
def lasting(request):
    response = HttpResponse("a calendar")
    response["Cache-Control"] = "max-age=300"
    return response


@public_page
def with_cookie(request):
    response = HttpResponse("a page that sets a cookie")
    response.set_cookie("seen", "1")
    return response


urlpatterns = [url_path("lasting", lasting), url_path("with-cookie", with_cookie)]


@pytest.mark.urls(__name__)
def test_a_view_keeps_the_browser_lifetime_it_chose(shared_cache, client):
    directives = {part.strip() for part in client.get("/lasting")["Cache-Control"].split(",")}
    assert "max-age=300" in directives and "max-age=0" not in directives
    assert outcome(client.get("/lasting")) == "hit"


@pytest.mark.urls(__name__)
def test_a_response_setting_a_cookie_is_never_kept(shared_cache, client):
    for _ in range(2):
        response = client.get("/with-cookie")
        assert outcome(response) is None and "public" not in response.get("Cache-Control", "")


# --- The WSGI door -----------------------------------------------------------------------------


def wsgi_get(application, path, method="GET", **headers):
    """Call a WSGI application as gunicorn does; return (status, headers, body)."""
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }  # fmt: skip
    started = {"s": None, "h": []}
    body = b"".join(application(environ, lambda status, headers, exc_info=None: started.update(s=status, h=headers)))
    return started["s"], dict(started["h"]), body


def test_the_wsgi_door_answers_a_held_page_without_entering_django(shared_cache, client):
    page = client.get("/call/")
    django = mock.Mock(side_effect=AssertionError("Django was entered"))
    status, headers, body = wsgi_get(pagecache.PageCache(django), "/call/")
    assert (status, headers[pagecache.STATUS_HEADER], body) == ("200 OK", "hit", page.content)
    assert headers["ETag"] == page["ETag"] and headers["Content-Security-Policy"] == page["Content-Security-Policy"]
    status, headers, body = wsgi_get(pagecache.PageCache(django), "/call/", method="HEAD", accept_encoding="br")
    assert (status, headers["Content-Encoding"], body) == ("200 OK", "br", b"")


@pytest.mark.parametrize("headers", [{"if_none_match": '"x"'}, {"cookie": "sessionid=abc"}, {"host": "evil.example"}])
def test_the_wsgi_door_leaves_everything_else_to_django(shared_cache, client, headers):
    client.get("/call/")
    django = mock.Mock(return_value=[b"from Django"])
    assert wsgi_get(pagecache.PageCache(django), "/call/", **headers)[2] == b"from Django"
    assert wsgi_get(pagecache.PageCache(django), "/papers/")[2] == b"from Django"  # not held yet
