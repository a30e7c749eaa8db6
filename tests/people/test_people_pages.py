"""The people index across editions and the person pages: every year someone spoke or organized."""

import datetime

import lxml.html
import pytest

from esfomo.models import Edition
from people.models import Role
from program.models import Session
from tests.esfomo.test_homepage import text_of
from tests.factories import PersonFactory, RoleFactory, SessionFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def veteran():
    """Someone who organized 2024, gave an oral in 2024 and spoke in 2025 (the demo editions)."""
    person = PersonFactory(given_name="Grace", family_name="Hopper", slug="grace-hopper")
    edition_2024, edition_2025 = Edition.objects.get(year=2024), Edition.objects.get(year=2025)
    RoleFactory(edition=edition_2024, person=person, kind=Role.Kind.ORGANIZER, affiliation="Navy")
    RoleFactory(edition=edition_2025, person=person, kind=Role.Kind.SPEAKER, affiliation="Yale")
    orals = SessionFactory(
        edition=edition_2024,
        kind=Session.Kind.ORAL,
        title="Orals",
        start=datetime.datetime(2024, 7, 26, 11, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2024, 7, 26, 12, 0, tzinfo=datetime.UTC),
    )
    TalkSpeakerFactory(talk=TalkFactory(session=orals, title="Compilers, early"), person=person)
    return person


def test_the_index_lists_everyone_shown_with_every_year(client, veteran):
    index = page(client, "/people/")
    entries = {text_of(item.cssselect(".people-name")[0]): item for item in index.cssselect(".people-list > li")}
    assert [text_of(year) for year in entries["Grace Hopper"].cssselect(".people-years li")] == [
        "2025 Invited speaker",
        "2024 Organizer, Speaker",
    ]
    assert entries["Grace Hopper"].cssselect("a")[0].get("href") == "/people/grace-hopper/"
    assert text_of(entries["Tri Dao"].cssselect(".people-years li")[0]) == "2025 Organizer"
    # Hidden roles stay hidden; names are in family-name order.
    assert "Deepak Narayanan" not in entries
    names = list(entries)
    assert names == sorted(names, key=lambda name: name.split()[-1].casefold())


def test_a_person_page_lists_each_edition_with_roles_and_talks(client, veteran):
    person = page(client, "/people/grace-hopper/")
    years = [text_of(item) for item in person.cssselect(".person-roles > li")]
    assert years[0] == "ES-FoMo III (2025): Invited speaker (Yale)"
    assert years[1].startswith("ES-FoMo II (2024): Organizer, Speaker (Navy)")
    talk = person.cssselect(".person-talks li")[0]
    # In the edition's own zone: 11:00 UTC is 1:00pm in Vienna.
    assert text_of(talk) == "Compilers, early, oral at 1:00pm CEST, July 26, 2024"
    session = Session.objects.get(title="Orals", edition__year=2024)
    assert talk.cssselect("a")[0].get("href") == f"/2024/#session-{session.pk}"


def test_someone_who_only_gave_a_talk_has_a_page(client):
    speaker = PersonFactory(slug="only-talked")
    TalkSpeakerFactory(talk=TalkFactory(session=SessionFactory(edition=Edition.objects.get(year=2025))), person=speaker)
    assert client.get("/people/only-talked/").status_code == 200


def test_people_of_unpublished_editions_or_hidden_roles_have_no_page(client):
    Edition.objects.filter(year=2024).update(is_published=False)
    person = PersonFactory(slug="draft-speaker")
    RoleFactory(edition=Edition.objects.get(year=2024), person=person)
    assert client.get("/people/draft-speaker/").status_code == 404
    assert client.get("/people/deepak-narayanan/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
    assert "draft-speaker" not in client.get("/people/").content.decode()
