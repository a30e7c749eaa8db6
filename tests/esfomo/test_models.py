"""Rules of the data model, enforced by the database and mirrored by model validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from esfomo.models import Edition, ImportantDate
from people.models import Role
from tests.factories import (
    EditionFactory,
    ImportantDateFactory,
    PageFactory,
    PersonFactory,
    RoleFactory,
    SessionFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_edition_year_is_unique():
    refused(lambda: EditionFactory(year=2025))


def test_only_one_edition_is_current():
    assert Edition.objects.filter(is_current=True).count() == 1
    refused(lambda: EditionFactory(is_current=True))
    with pytest.raises(ValidationError, match="already the current one"):
        EditionFactory.build(year=2030, is_current=True, acronym="x2030").full_clean()


def test_current_falls_back_to_the_latest_published_edition():
    Edition.objects.update(is_current=False)
    EditionFactory(year=2031, is_published=False)
    assert Edition.objects.current().year == 2025


def test_time_zone_must_be_an_iana_zone():
    with pytest.raises(ValidationError, match="IANA"):
        EditionFactory.build(time_zone="Pacific Time").full_clean()


def test_page_slug_is_unique_per_edition_but_reusable_across_editions():
    page = PageFactory(slug="venue")
    refused(lambda: PageFactory(edition=page.edition, slug="venue"))
    PageFactory(slug="venue")


@pytest.mark.parametrize("slug", ["papers", "admin", "people", "healthz"])
def test_page_cannot_take_an_address_the_site_uses(slug):
    with pytest.raises(ValidationError, match="used by the site itself"):
        PageFactory.build(edition=EditionFactory(), slug=slug).full_clean()


def test_extended_date_must_follow_the_original():
    refused(lambda: ImportantDateFactory(date=datetime.date(2025, 5, 26), extended_date=datetime.date(2025, 5, 20)))


def test_deadline_falls_due_at_the_end_of_its_day_anywhere_on_earth():
    deadline = ImportantDateFactory.build(date=datetime.date(2025, 5, 26), time=datetime.time(23, 59))
    assert deadline.due == datetime.datetime(2025, 5, 27, 11, 59, tzinfo=datetime.UTC)
    extended = ImportantDateFactory.build(
        date=datetime.date(2025, 5, 26), extended_date=datetime.date(2025, 5, 27), zone=ImportantDate.Zone.UTC
    )
    assert extended.due == datetime.datetime(2025, 5, 27, 23, 59, tzinfo=datetime.UTC)
    assert extended.is_extended


def test_session_must_end_after_it_starts():
    session = SessionFactory.build(edition=EditionFactory())
    session.end = session.start
    with pytest.raises(ValidationError, match="end after it starts"):
        session.full_clean()
    refused(session.save)


def test_session_kind_comes_from_the_fixed_list():
    session = SessionFactory.build(edition=EditionFactory(), kind="party")
    with pytest.raises(ValidationError, match="kind"):
        session.full_clean()


def test_moving_a_session_raises_its_calendar_revision():
    session = SessionFactory()
    session.description = "Now with slides"
    session.save()
    assert session.sequence == 0
    session.start += datetime.timedelta(minutes=10)
    session.end += datetime.timedelta(minutes=10)
    session.save()
    assert session.sequence == 1


def test_role_positions_are_unique_per_edition_and_role():
    first = RoleFactory(position=1)
    with pytest.raises(ValidationError, match="already has this position"):
        RoleFactory.build(edition=first.edition, person=PersonFactory(), position=1).full_clean()
    # Another role may use the same position.
    RoleFactory(edition=first.edition, kind=Role.Kind.ORGANIZER, position=1)
    if connection.features.supports_deferrable_unique_constraints:
        # The constraint is deferred to the end of the transaction: check it now.
        def duplicate():
            RoleFactory(edition=first.edition, position=1)
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")

        refused(duplicate)


def test_new_roles_go_to_the_end_of_their_list():
    edition = EditionFactory()
    roles = [RoleFactory(edition=edition) for _ in range(3)]
    assert [role.position for role in roles] == [1, 2, 3]


def test_a_person_has_a_role_of_each_kind_once_per_edition():
    role = RoleFactory()
    refused(lambda: RoleFactory(edition=role.edition, person=role.person))


def test_deleting_a_person_who_still_gives_a_talk_is_refused():
    credit = TalkSpeakerFactory()
    with pytest.raises(ProtectedError):
        credit.person.delete()
    credit.talk.delete()
    credit.person.delete()


def test_every_content_change_bumps_the_edition_content_version():
    edition = EditionFactory()
    versions = [Edition.objects.get(pk=edition.pk).content_version]

    def changed():
        versions.append(Edition.objects.get(pk=edition.pk).content_version)
        return versions[-1] > versions[-2]

    session = SessionFactory(edition=edition)
    assert changed()
    credit = TalkSpeakerFactory(talk__session=session)
    assert changed()
    credit.person.family_name = "Renamed"
    credit.person.save()
    assert changed()
    credit.delete()
    assert changed()
