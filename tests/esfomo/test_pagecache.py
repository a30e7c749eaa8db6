"""The full-page cache in front of Django: hits without the database, every content change shown at once, 304s."""

import gzip
import io
import socket
import uuid
from unittest import mock

import brotli
import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import override_settings
from django.utils.cache import patch_cache_control

from esfomo.models import Announcement, Edition, Page
from esfomo.serving import content_version, pagecache
from esfomo.serving.pagecache import PageCache, public_page
from people.models import Person, Role
from program.models import Paper, Session, Talk
from tests.conftest import require
from tests.factories import AnnouncementFactory, PageFactory, PaperFactory, RoleFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/3"
REDIS_CACHES = {"default": {"BACKEND": "esfomo.serving.redis_cache.RedisCache", "LOCATION": REDIS_URL}}


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


application = None


@pytest.fixture(autouse=True)
def fresh_process():
    """Each test talks to a freshly started process (esfomo/wsgi.py's application, built with the test settings)."""
    global application
    application = PageCache(get_wsgi_application())


@pytest.fixture
def shared_cache():
    """The page cache on Redis (database 3), emptied, as several processes use it."""
    require(redis_is_up(), f"Redis is not answering at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    with override_settings(CACHES=REDIS_CACHES):
        yield caches["default"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Answer:
    def __init__(self, status, headers, body):
        self.status = int(status.split()[0])
        self.headers = dict(headers)
        self.body = body

    @property
    def text(self):
        return self.body.decode()

    @property
    def outcome(self):
        return self.headers.get(pagecache.STATUS_HEADER)


def get(path, method="GET", **headers):
    """Send a request through the WSGI application that gunicorn serves, as a PaaS router would."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.partition("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=status, headers=response_headers)

    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Answer(started["status"], started["headers"], body)


def committed(change):
    """Run a change as the admin does, in a transaction that commits (on_commit hooks run)."""

    def run(capture):
        with capture(execute=True):
            change()

    return run


# --- Hits ----------------------------------------------------------------------------


def test_a_warm_hit_runs_no_query_and_never_touches_the_database(
    shared_cache, django_assert_num_queries, django_db_blocker
):
    first = get("/")
    assert (first.status, first.outcome) == (200, "miss")
    with django_assert_num_queries(0), django_db_blocker.block():
        hit = get("/")
    assert (hit.status, hit.outcome) == (200, "hit")
    assert hit.body == first.body
    assert "Efficient Systems for Foundation Models" in hit.text


@pytest.mark.parametrize(
    "path", ["/", "/call/", "/papers/", "/2024/", "/people/tri-dao/", "/robots.txt", "/sitemap.xml"]
)
def test_every_public_page_is_cached(shared_cache, path, django_assert_num_queries):
    assert get(path).outcome == "miss"
    with django_assert_num_queries(0):
        assert get(path).outcome == "hit"


def test_shared_headers_let_cdns_keep_pages_briefly_and_browsers_revalidate(shared_cache, settings):
    answer = get("/")
    cache_control = {part.strip() for part in answer.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=0", f"s-maxage={settings.PAGE_CACHE_SECONDS}"} <= cache_control
    assert answer.headers["Vary"] == "Accept-Encoding, Cookie"
    assert answer.headers["ETag"].startswith('W/"')
    assert "Last-Modified" in answer.headers
    assert pagecache.STORE_HEADER not in answer.headers
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize(
    ("accept", "coding", "decompress"),
    [("gzip, deflate, br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress), ("", None, bytes)],
)
def test_pages_are_served_compressed_as_the_client_accepts(shared_cache, accept, coding, decompress):
    plain = get("/").body
    answer = get("/", accept_encoding=accept)
    assert answer.outcome == "hit"
    assert answer.headers.get("Content-Encoding") == coding
    assert int(answer.headers["Content-Length"]) == len(answer.body)
    assert decompress(answer.body) == plain
    if coding:
        assert len(answer.body) < len(plain) / 3


def test_a_head_request_gets_the_headers_only(shared_cache):
    get("/")
    answer = get("/", method="HEAD")
    assert (answer.status, answer.outcome, answer.body) == (200, "hit", b"")
    assert int(answer.headers["Content-Length"]) > 1000


def test_pages_differ_by_address(shared_cache):
    assert "ES-FoMo III" in get("/").text
    assert "Vienna" in get("/2024/").text
    assert "Vienna" not in get("/").text


def test_addresses_with_a_query_string_are_left_to_django(shared_cache):
    get("/")
    for _ in range(2):
        answer = get("/?utm_source=mail")
        assert (answer.status, answer.outcome) == (200, None)


def test_a_new_release_never_serves_pages_of_the_previous_one(shared_cache, settings, tmp_path):
    """Other templates or static files make another fingerprint, hence other keys."""
    global application
    get("/")
    assert get("/").outcome == "hit"
    (tmp_path / "new.html").write_text("{# a template of the next release #}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
        *settings.TEMPLATES[1:],
    ]
    next_release = PageCache(get_wsgi_application())
    assert next_release.key_prefix != application.key_prefix
    application = next_release
    assert get("/").outcome == "miss"


# --- Invalidation --------------------------------------------------------------------


def edit_edition():
    edition = Edition.objects.get(year=2025)
    edition.tagline = "Changed tagline for the test"
    edition.save()


def add_announcement():
    AnnouncementFactory(edition=Edition.objects.get(year=2025), body="Changed: **room moved**")


def add_live_notice():
    AnnouncementFactory(edition=Edition.objects.get(year=2025), kind=Announcement.Kind.LIVE, title="Changed room")


def rename_speaker():
    person = Person.objects.get(slug="tri-dao")
    person.family_name = "Changed"
    person.save()


def add_speaker():
    RoleFactory(edition=Edition.objects.get(year=2025), person__given_name="Changed", person__family_name="Speaker")


def remove_organizers():
    # Roles carry no image: a committed delete here leaves the session's shared media files alone.
    for role in Role.objects.filter(edition__year=2025, kind=Role.Kind.ORGANIZER):
        role.delete()


def retitle_session():
    session = Session.objects.filter(edition__year=2025, kind=Session.Kind.BREAK).first()
    session.title = "Changed coffee"
    session.save()


def retitle_talk():
    talk = Talk.objects.filter(session__edition__year=2025).exclude(title="").first()
    talk.title = "Changed talk title"
    talk.save()


def edit_call_page():
    page = Page.objects.get(edition__year=2025, slug="call")
    page.body = "Changed call text."
    page.save()


def add_paper():
    PaperFactory(edition=Edition.objects.get(year=2025), title="Changed paper title")


def import_in_bulk():
    """What an importer does: a bulk write without per-object signals, then touch()."""
    Paper.objects.bulk_create([Paper(edition=Edition.objects.get(year=2025), title="Changed bulk paper")])
    Edition.objects.filter(year=2025).touch()


def revert_to_an_older_version():
    """What a history revert does: save the object as it was before."""
    edition = Edition.objects.get(year=2025)
    before = Edition.objects.get(pk=edition.pk)
    edition.subtitle = "Intermediate subtitle"
    edition.save()
    before.tagline = "Changed back to an older tagline"
    before.save()


def add_menu_page():
    PageFactory(edition=Edition.objects.get(year=2025), slug="visa", title="Changed visa page")


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("/", edit_edition),
        ("/", add_announcement),
        ("/call/", add_live_notice),
        ("/", rename_speaker),
        ("/people/tri-dao/", rename_speaker),
        ("/", add_speaker),
        ("/", retitle_session),
        ("/", retitle_talk),
        ("/call/", edit_call_page),
        ("/papers/", add_paper),
        ("/papers/", import_in_bulk),
        ("/", revert_to_an_older_version),
        ("/call/", add_menu_page),
    ],
)
def test_every_kind_of_content_change_is_visible_on_the_next_request(
    shared_cache, django_capture_on_commit_callbacks, path, change
):
    before = get(path)
    assert get(path).outcome == "hit"
    assert "Changed" not in before.text
    committed(change)(django_capture_on_commit_callbacks)
    after = get(path)
    assert (after.status, after.outcome) == (200, "miss")
    assert "Changed" in after.text
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_deletion_is_visible_on_the_next_request(shared_cache, django_capture_on_commit_callbacks):
    assert "the organizers" in get("/").text
    committed(remove_organizers)(django_capture_on_commit_callbacks)
    assert "the organizers" not in get("/").text


def test_a_change_rolled_back_keeps_the_cached_pages(shared_cache, django_capture_on_commit_callbacks):
    get("/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit_edition()
    assert callbacks  # the bump waits for the commit, which never comes
    assert get("/").outcome == "hit"


def test_another_process_bump_is_seen_on_the_next_request(shared_cache, settings):
    """A second backend on its own connections stands for another process sharing Redis."""
    settings.PAGE_CACHE_RECHECK_SECONDS = 3600  # only the notice can tell this process
    get("/")
    assert get("/").outcome == "hit"
    other_process = caches.create_connection("default")
    other_process.set_notifying(content_version.VERSION_KEY, content_version.new_version())
    assert get("/").outcome == "miss"
    assert get("/").outcome == "hit"


def test_without_a_notice_the_version_is_read_again_after_the_recheck_delay(shared_cache, settings):
    """A subscription silently cut by the network: the version is still read again regularly."""
    get("/")
    settings.PAGE_CACHE_RECHECK_SECONDS = 3600
    assert get("/").outcome == "hit"
    caches.create_connection("default").set(content_version.VERSION_KEY, content_version.new_version(), timeout=None)
    assert get("/").outcome == "hit"  # not told, not rechecked yet
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    assert get("/").outcome == "miss"


def test_a_version_lost_from_the_cache_never_serves_old_pages(shared_cache, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    get("/")
    redis.Redis.from_url(REDIS_URL).flushdb()
    assert get("/").outcome == "miss"


# --- Organizers ----------------------------------------------------------------------


def test_logged_in_organizers_bypass_the_cache_and_see_drafts(shared_cache, admin_client):
    PageFactory(edition=Edition.objects.get(year=2025), slug="draft", title="Draft page", is_published=False)
    assert get("/draft/").status == 404
    admin_client.get("/admin/")
    session = admin_client.cookies["sessionid"].value
    for _ in range(2):
        answer = get("/draft/", cookie=f"sessionid={session}")
        assert answer.status == 200
        assert answer.outcome is None
        assert "private" in answer.headers["Cache-Control"]
        assert "no-store" in answer.headers["Cache-Control"]
    # Visitors still get the cached 404-free pages, never the organizer's.
    assert get("/draft/").status == 404


def test_other_cookies_do_not_bypass_the_cache(shared_cache):
    get("/")
    assert get("/", cookie="csrftoken=abc; theme=dark").outcome == "hit"


# --- Conditional requests ------------------------------------------------------------


def test_a_client_holding_the_page_gets_304_without_a_body(shared_cache, django_assert_num_queries):
    first = get("/")
    with django_assert_num_queries(0):
        answer = get("/", if_none_match=first.headers["ETag"])
    assert (answer.status, answer.body) == (304, b"")
    assert answer.headers["ETag"] == first.headers["ETag"]
    assert answer.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert get("/", if_none_match='W/"something-else"').status == 200


def test_if_modified_since_the_content_version_gets_304(shared_cache):
    first = get("/")
    assert get("/", if_modified_since=first.headers["Last-Modified"]).status == 304
    assert get("/", if_modified_since="Mon, 01 Jan 2024 00:00:00 GMT").status == 200


def test_a_compressed_copy_matches_the_same_etag(shared_cache):
    etag = get("/", accept_encoding="br").headers["ETag"]
    assert get("/", if_none_match=etag).status == 304


def test_after_a_change_the_old_etag_gets_the_new_page(shared_cache, django_capture_on_commit_callbacks):
    etag = get("/").headers["ETag"]
    committed(edit_edition)(django_capture_on_commit_callbacks)
    answer = get("/", if_none_match=etag)
    assert answer.status == 200
    assert "Changed tagline" in answer.text


def test_django_answers_304_itself_when_the_page_is_not_stored(client):
    first = client.get("/")
    assert client.get("/", headers={"if-none-match": first["ETag"]}).status_code == 304


# --- Resilience ----------------------------------------------------------------------


def test_with_redis_unreachable_the_site_serves_its_own_pages_checked_against_the_database(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    unreachable = {"default": {**REDIS_CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/3"}}
    with override_settings(CACHES=unreachable):
        first = get("/")
        assert (first.status, first.outcome) == (200, "miss")
        assert "ES-FoMo III" in first.text
        # The process's own copy, current as long as the editions' versions say so: one query.
        with django_assert_num_queries(1):
            assert get("/").outcome == "hit"
        # An organizer's change still saves, and shows on the next request although Redis cannot announce it.
        committed(edit_edition)(django_capture_on_commit_callbacks)
        after = get("/")
        assert (after.status, after.outcome) == (200, "miss")
        assert "Changed tagline" in after.text


def test_when_django_fails_the_last_stored_page_is_served(shared_cache, django_capture_on_commit_callbacks):
    stored = get("/")
    committed(edit_edition)(django_capture_on_commit_callbacks)
    with mock.patch("esfomo.pages.homepage.page_for", side_effect=RuntimeError("database down")):
        answer = get("/")
    assert (answer.status, answer.outcome) == (200, "stale")
    assert answer.body == stored.body


def test_a_failing_page_that_was_never_stored_is_an_error(shared_cache):
    with mock.patch("esfomo.pages.homepage.page_for", side_effect=RuntimeError("database down")):
        assert get("/").status == 500


def test_with_local_memory_the_version_comes_from_the_database(django_assert_num_queries, settings):
    """One process's memory cannot hear of other processes' changes: a hit asks the editions (one query)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }
    get("/")
    with django_assert_num_queries(1):
        assert get("/").outcome == "hit"
    Edition.objects.filter(year=2025).touch()  # another process's change, seen through the database
    assert get("/").outcome == "miss"


def test_with_caching_off_every_request_goes_to_django(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    answer = get("/")
    assert answer.status == 200
    assert answer.outcome is None
    assert pagecache.STORE_HEADER not in answer.headers


def test_in_local_development_every_request_goes_to_django(shared_cache, settings):
    settings.DEBUG = True
    get("/")
    assert get("/").outcome is None


def test_a_view_keeps_the_browser_lifetime_it_chose(rf, settings):
    def feed(request):
        response = HttpResponse("BEGIN:VCALENDAR", content_type="text/calendar")
        patch_cache_control(response, public=True, max_age=300)
        return response

    request = rf.get("/schedule.ics")
    request.user = AnonymousUser()
    response = public_page(feed)(request)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=300", f"s-maxage={settings.PAGE_CACHE_SECONDS}"} <= cache_control
    assert response[pagecache.STORE_HEADER] == "1"
