"""The readiness page lists what a visitor would trip over, each item linking to what to fix."""

import datetime

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esfomo import readiness
from esfomo.models import Edition
from people.models import Role
from program.models import Session
from tests.factories import (
    EditionFactory,
    ImportantDateFactory,
    PersonFactory,
    RoleFactory,
    SessionFactory,
    TalkFactory,
    TalkSpeakerFactory,
)
from tests.people.test_image_uploads import png_upload

pytestmark = pytest.mark.django_db


def at(edition, hour, minute=0):
    return datetime.datetime.combine(edition.date, datetime.time(hour, minute), tzinfo=edition.tzinfo)


def messages_of(edition):
    return {section.heading: [p.message for p in section.problems] for section in readiness.run(edition)}


def test_people_without_photo_description_or_affiliation_are_listed():
    edition = EditionFactory()
    RoleFactory(edition=edition, person=PersonFactory(given_name="Ada", family_name="Lovelace"))
    RoleFactory(edition=edition, person=PersonFactory(given_name="Alan", family_name="Turing", photo=png_upload()))
    RoleFactory(
        edition=edition,
        person=PersonFactory(given_name="Grace", family_name="Hopper", photo=png_upload(), photo_alt="Grace smiling"),
        affiliation="",
        kind=Role.Kind.ORGANIZER,
    )
    assert messages_of(edition)["People"] == [
        "Ada Lovelace has no photo; the card shows their initials.",
        "Alan Turing's photo has no description; screen readers only hear “Portrait of Alan Turing”.",
        "Grace Hopper (organizer) has no affiliation on their card.",
    ]


def test_overlapping_sessions_in_one_room_are_listed():
    edition = EditionFactory(room="Hall A")
    SessionFactory(edition=edition, title="Keynote", start=at(edition, 9), end=at(edition, 10))
    SessionFactory(
        edition=edition, title="Orals", kind=Session.Kind.BREAK, start=at(edition, 9, 45), end=at(edition, 11)
    )
    SessionFactory(
        edition=edition, title="Posters", kind=Session.Kind.POSTER, start=at(edition, 11), end=at(edition, 12)
    )
    SessionFactory(
        edition=edition,
        title="Side room",
        kind=Session.Kind.BREAK,
        room="Room B",
        start=at(edition, 9),
        end=at(edition, 12),
    )
    overlaps = [m for m in messages_of(edition)["Sessions"] if "overlaps" in m]
    assert overlaps == ["“Orals” (09:45–11:00) overlaps “Keynote” (09:00–10:00)."]


def test_sessions_and_talks_without_a_speaker_are_listed():
    edition = EditionFactory()
    SessionFactory(edition=edition, title="Invited Talk", start=at(edition, 9), end=at(edition, 9, 30))
    orals = SessionFactory(
        edition=edition, kind=Session.Kind.ORAL, title="Orals", start=at(edition, 10), end=at(edition, 11)
    )
    TalkSpeakerFactory(talk=TalkFactory(session=orals, title="Fast attention"))
    TalkFactory(session=orals, title="Slow attention")
    SessionFactory(edition=edition, kind=Session.Kind.BREAK, title="Lunch", start=at(edition, 12), end=at(edition, 13))
    assert messages_of(edition)["Sessions"] == [
        "“Invited Talk” at 09:00 has no talk or speaker yet.",
        "“Slow attention” in “Orals” at 10:00 has no speaker.",
    ]


def test_past_deadlines_still_announced_are_listed():
    edition = EditionFactory()
    ImportantDateFactory(edition=edition, label="Abstract deadline", date=datetime.date(2020, 5, 1), announce=True)
    ImportantDateFactory(edition=edition, label="Old but quiet", date=datetime.date(2020, 5, 1), announce=False)
    ImportantDateFactory(edition=edition, label="Future", date=datetime.date(2999, 5, 1), announce=True)
    assert messages_of(edition)["Important dates"] == [
        "“Abstract deadline” (01 May 2020) has passed but is still announced on the homepage; "
        "untick “in the homepage announcement”."
    ]


def test_a_complete_edition_has_nothing_to_fix():
    edition = EditionFactory()
    person = PersonFactory(photo=png_upload(), photo_alt="A portrait")
    RoleFactory(edition=edition, person=person)
    TalkSpeakerFactory(talk=TalkFactory(session=SessionFactory(edition=edition)), person=person)
    assert all(not problems for problems in messages_of(edition).values())


def test_other_apps_plug_their_checks_in(monkeypatch):
    monkeypatch.setattr(readiness, "CHECKS", dict(readiness.CHECKS))
    edition = EditionFactory()

    @readiness.register("Schedule exports")
    def exports_validate(edition):
        yield readiness.Problem("The frab XML export is not valid: element 'day' is missing.", obj=edition)

    @readiness.register("Schedule exports")
    def broken(edition):
        raise ValueError("schema not found")

    assert messages_of(edition)["Schedule exports"] == [
        "The frab XML export is not valid: element 'day' is missing.",
        "The check “broken” could not run: schema not found",
    ]


def test_the_page_links_each_item_to_its_admin_page(admin_client):
    edition = Edition.objects.get(year=2025)
    change = admin_client.get(reverse("admin:esfomo_edition_change", args=[edition.pk])).content.decode()
    url = reverse("admin:esfomo_edition_readiness", args=[edition.pk])
    assert f'href="{url}"' in change

    document = lxml.html.fromstring(admin_client.get(url).content.decode())
    links = {a.text_content(): a.get("href") for a in document.cssselect(".readiness-problems a")}
    spotlights = Session.objects.get(edition=edition, kind=Session.Kind.SPOTLIGHT)
    message = "“Spotlight Lightning Talks” at 11:15 has no talk or speaker yet."
    assert links[message] == reverse("admin:program_session_change", args=[spotlights.pk])


def build(size):
    edition = EditionFactory()
    for index in range(size):
        RoleFactory(edition=edition)
        session = SessionFactory(edition=edition, start=at(edition, 8 + index), end=at(edition, 8 + index, 30))
        TalkSpeakerFactory(talk=TalkFactory(session=session))
        ImportantDateFactory(edition=edition, label=f"Date {index}", announce=True)
    return edition


def test_the_page_runs_a_fixed_number_of_queries(admin_client):
    counts = []
    for size in (2, 8):
        url = reverse("admin:esfomo_edition_readiness", args=[build(size).pk])
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == [10, 10]
