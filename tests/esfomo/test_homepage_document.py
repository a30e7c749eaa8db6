"""The homepage renders from its stored document: one query to read, rebuilt after any content change."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from esfomo.models import Announcement, Edition, HomepageDocument
from esfomo.pages import homepage
from people.models import Person
from program.models import Talk
from tests.conftest import require
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def get(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def stored(year=2025):
    return HomepageDocument.objects.filter(edition__year=year).first()


def test_the_first_visit_stores_the_document_and_later_visits_read_it_with_one_query(client):
    HomepageDocument.objects.all().delete()
    first, building = get(client)
    assert building > 1
    document = stored()
    assert document.content_version == Edition.objects.get(year=2025).content_version
    again, reading = get(client)
    assert reading == 1
    assert again == first


def test_a_stored_document_gives_the_page_a_fresh_render_would(client):
    """The stored values (JSON) and the values built from the models show the same page."""
    from_models, _ = get(client)
    HomepageDocument.objects.all().delete()
    get(client)
    from_document, queries = get(client)
    assert queries == 1
    assert from_document == from_models


def test_a_change_anywhere_on_the_page_shows_on_the_next_request(client):
    get(client)
    speaker = Person.objects.filter(roles__edition__year=2025, roles__kind="speaker").first()
    speaker.given_name = "Renamed"
    speaker.save()
    html, _ = get(client)
    assert "<b>Renamed</b>" in html
    talk = Talk.objects.filter(session__edition__year=2025).exclude(title="").first()
    talk.title = "A retitled talk"
    talk.save()
    html, _ = get(client)
    assert "A retitled talk" in html
    assert stored().content_version == Edition.objects.get(year=2025).content_version


def test_a_change_through_an_update_that_bumps_the_version_shows_too(client):
    get(client)
    edition = Edition.objects.get(year=2025)
    Edition.objects.filter(pk=edition.pk).update(room="Hall Z")
    Edition.objects.filter(pk=edition.pk).touch()
    html, _ = get(client)
    assert "room <strong>Hall Z</strong>" in html


def test_another_release_builds_its_own_document(client, monkeypatch):
    get(client)
    monkeypatch.setattr(homepage, "_release", "another-release")
    _, queries = get(client)
    assert queries > 1
    assert stored().release_key == "another-release"


def test_announcements_appear_when_their_time_comes_without_any_change(client):
    """The page is kept until the next scheduled announcement or notice comes due, then rendered again."""
    edition = Edition.objects.get(year=2025)
    soon = timezone.now() + datetime.timedelta(seconds=2)
    Announcement.objects.create(
        edition=edition, kind=Announcement.Kind.NEWS, body="Posters move to Hall B", published_at=soon
    )
    Announcement.objects.create(
        edition=edition, kind=Announcement.Kind.LIVE, title="Running late", body="10 minutes", published_at=soon
    )
    html, _ = get(client)
    assert "Posters move to Hall B" not in html and "Running late" not in html
    assert stored().shown_until == soon
    html, queries = get(client)
    assert queries == 1
    later = soon + datetime.timedelta(seconds=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("esfomo.pages.queries.now", later.timestamp)
        html, rendering = get(client)
        assert "Posters move to Hall B" in html and "Running late" in html
        assert rendering > 1
        assert stored().shown_until is None  # nothing else is scheduled
        assert stored().modified_at == soon  # what the page shows changed then
        again, reading = get(client)
    assert reading == 1
    assert again == html


def test_the_validators_follow_the_page_and_the_address(client):
    first = client.get("/")
    etag = first["ETag"]
    assert first["Last-Modified"] == http_date(Edition.objects.get(year=2025).content_changed_at.timestamp())
    assert client.get("/")["ETag"] == etag
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/", HTTP_HOST="localhost")["ETag"] != etag
    Edition.objects.filter(year=2025).update(room="Hall Z")
    Edition.objects.filter(year=2025).touch()
    changed = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_site_address_is_the_requests_own(client):
    html, _ = get(client)
    assert homepage.ORIGIN not in html
    assert '"url":"http://testserver/"' in html
    html = client.get("/", HTTP_HOST="localhost").content.decode()
    assert '<link rel="canonical" href="http://localhost/">' in html
    assert '"url":"http://localhost/"' in html
    html = client.get("/2025/", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost").content.decode()
    assert '<link rel="canonical" href="https://localhost/">' in html
    assert '<meta property="og:url" content="https://localhost/">' in html


def test_staff_previews_are_built_afresh_and_never_stored(admin_client):
    draft = EditionFactory(year=2031, name="ES-FoMo VII", is_published=False)
    response = admin_client.get("/2031/")
    assert response.status_code == 200
    assert "ES-FoMo VII" in response.content.decode()
    assert not HomepageDocument.objects.filter(edition=draft).exists()


def test_unknown_and_unpublished_years_are_404(client):
    EditionFactory(year=2031, is_published=False)
    assert client.get("/2031/").status_code == 404
    assert client.get("/1999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_visitor_does_not_wait_for_an_organizers_save_in_progress(client):
    """The save holds the edition's row until it commits; the visitor gets the page and stores nothing."""
    require(connection.vendor == "postgresql", "row locks need PostgreSQL: set DATABASE_URL")
    edition = EditionFactory()
    holding, done = threading.Event(), threading.Event()
    released_by_the_visitor = []

    def organizer_saving():
        try:
            with transaction.atomic():
                Edition.objects.select_for_update().get(pk=edition.pk)
                Edition.objects.filter(pk=edition.pk).touch()
                holding.set()
                released_by_the_visitor.append(done.wait(timeout=15))
        finally:
            connections.close_all()

    organizer = threading.Thread(target=organizer_saving)
    organizer.start()
    try:
        assert holding.wait(timeout=15)
        response = client.get(f"/{edition.year}/")
        assert response.status_code == 200
        assert edition.name in response.content.decode()
        assert not HomepageDocument.objects.filter(edition=edition).exists()
    finally:
        done.set()
        organizer.join(timeout=15)
    # The visitor's answer came while the save still held the row: it did not wait for the commit.
    assert released_by_the_visitor == [True]
    client.get(f"/{edition.year}/")
    assert (
        HomepageDocument.objects.get(edition=edition).content_version
        == Edition.objects.get(pk=edition.pk).content_version
    )
