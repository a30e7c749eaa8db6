"""The admin's lists: search, filters, thumbnails, drafts made obvious, and a fixed number of queries."""

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esfomo.models import Edition
from people.models import Person, Role
from tests.factories import EditionFactory, PageFactory, RoleFactory, SessionFactory, SponsorFactory, TalkSpeakerFactory
from tests.people.test_image_uploads import png_upload

pytestmark = pytest.mark.django_db


def rows(response):
    return lxml.html.fromstring(response.content.decode()).cssselect("#result_list tbody tr")


def test_people_are_found_by_name_and_filtered_by_edition_and_role(admin_client):
    url = reverse("admin:people_person_changelist")
    assert len(rows(admin_client.get(url, {"q": "Dao"}))) == 1
    edition = Edition.objects.get(year=2025)
    organizers = Person.objects.filter(roles__edition=edition, roles__kind="organizer").distinct().count()
    filtered = admin_client.get(url, {"roles__edition__id__exact": edition.pk, "roles__kind": "organizer"})
    assert len(rows(filtered)) == organizers > 0
    speakers = admin_client.get(url, {"roles__edition__id__exact": edition.pk, "roles__kind": "speaker"})
    assert len(rows(speakers)) == Role.objects.for_edition(edition).speakers().count() != organizers


def test_lists_show_thumbnails_of_photos_and_logos(admin_client):
    html = admin_client.get(reverse("admin:people_person_changelist")).content.decode()
    assert html.count('class="admin-thumb"') == Person.objects.exclude(photo="").count()
    html = admin_client.get(reverse("admin:people_sponsor_changelist")).content.decode()
    assert ".240w.png" in html and 'class="admin-thumb"' in html


def test_a_draft_says_so_and_offers_a_preview(admin_client, client):
    edition = EditionFactory(is_published=False, year=2031)
    change = admin_client.get(reverse("admin:esfomo_edition_change", args=[edition.pk])).content.decode()
    assert "Preview draft on site" in change
    assert "is a <strong>draft</strong>" in change
    changelist = admin_client.get(reverse("admin:esfomo_edition_changelist")).content.decode()
    assert "Draft (staff only)" in changelist
    assert admin_client.get("/2031/").status_code == 200
    assert client.get("/2031/").status_code == 404


def test_a_draft_page_is_previewed_by_staff_only(admin_client, client):
    page = PageFactory(edition=Edition.objects.get(year=2025), slug="secret", is_published=False)
    change = admin_client.get(reverse("admin:esfomo_page_change", args=[page.pk])).content.decode()
    assert "Preview draft on site" in change
    assert admin_client.get("/secret/").status_code == 200
    assert client.get("/secret/").status_code == 404


def test_a_published_object_offers_view_on_site(admin_client):
    edition = Edition.objects.get(year=2025)
    change = admin_client.get(reverse("admin:esfomo_edition_change", args=[edition.pk])).content.decode()
    assert "View on site" in change and "Preview draft" not in change


def test_the_edition_page_edits_dates_pages_and_announcements_and_links_its_people(admin_client):
    edition = Edition.objects.get(year=2025)
    html = admin_client.get(reverse("admin:esfomo_edition_change", args=[edition.pk])).content.decode()
    for heading in ("Important dates", "Pages (drag", "Announcements"):
        assert heading in html, heading
    people = reverse("admin:people_editionpeople_change", args=[edition.pk])
    assert f'href="{people}"' in html
    html = admin_client.get(people).content.decode()
    for heading in ("Invited speakers (drag", "Organizers (drag", "Sponsors (drag"):
        assert heading in html, heading
    assert html.count("admin-autocomplete") >= 3  # people are chosen by typing, not from a long list


def build_people(size):
    edition = EditionFactory()
    for index in range(size):
        RoleFactory(edition=edition, person__photo=png_upload(f"p{index}.png") if index % 2 else "")
        SponsorFactory(edition=edition)
        TalkSpeakerFactory(talk__session=SessionFactory(edition=edition))
    return edition


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("admin:people_person_changelist", 8),
        ("admin:people_role_changelist", 8),
        ("admin:people_sponsor_changelist", 8),
        ("admin:program_session_changelist", 8),
        ("admin:program_talk_changelist", 9),
    ],
)
def test_lists_run_a_fixed_number_of_queries(admin_client, name, expected):
    counts = []
    for size in (1, 6):
        build_people(size)
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse(name)).status_code == 200
        counts.append(len(captured))
    assert counts == [expected, expected]


def test_roles_are_listed_with_person_and_edition(admin_client):
    html = admin_client.get(reverse("admin:people_role_changelist"), {"kind__exact": "speaker"}).content.decode()
    assert len(rows(admin_client.get(reverse("admin:people_role_changelist"), {"kind__exact": "speaker"}))) == (
        Role.objects.speakers().count()
    )
    assert "Invited speaker" in html
