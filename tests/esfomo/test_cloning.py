"""Next year's edition starts from this one: the frame is copied, this year's programme is not."""

import datetime
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from esfomo.content.cloning import CloneError, clone_edition, same_day_in
from esfomo.models import Edition
from people.models import Role
from program.models import Session

pytestmark = pytest.mark.django_db
VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")


@pytest.fixture
def source():
    return Edition.objects.get(year=2025)


def local(moment):
    return moment.astimezone(VANCOUVER)


def test_clone_copies_the_frame_and_leaves_the_programme_out(source):
    clone = clone_edition(source, 2026, datetime.date(2026, 7, 17))

    assert (clone.year, clone.date, clone.acronym) == (2026, datetime.date(2026, 7, 17), "esfomo2026")
    assert not clone.is_published and not clone.is_current
    assert (clone.name, clone.pitch, clone.summary_html) == (source.name, source.pitch, source.summary_html)
    assert [p.slug for p in clone.pages.all()] == [p.slug for p in source.pages.all()]
    organizers = Role.objects.for_edition(source).organizers().select_related("person")
    cloned = Role.objects.for_edition(clone).select_related("person")
    assert [(r.person, r.position, r.affiliation) for r in cloned] == [
        (r.person, r.position, r.affiliation) for r in organizers
    ]
    assert not clone.roles.exclude(kind=Role.Kind.ORGANIZER).exists()
    assert not clone.papers.exists() and not clone.announcements.exists()
    assert not Session.objects.for_edition(clone).filter(talks__isnull=False).exists()


def test_sessions_keep_their_local_times_on_the_new_day_with_new_keys(source):
    clone = clone_edition(source, 2026, datetime.date(2026, 7, 17))
    old = list(Session.objects.for_edition(source))
    new = list(Session.objects.for_edition(clone))
    assert [(s.kind, s.title) for s in new] == [(s.kind, s.title) for s in old]
    for before, after in zip(old, new, strict=True):
        assert local(after.start).date() == datetime.date(2026, 7, 17)
        assert local(after.start).time() == local(before.start).time()
        assert local(after.end).time() == local(before.end).time()
        assert after.uid != before.uid
        assert after.sequence == 0


def test_important_dates_move_with_the_workshop_and_lose_their_extensions(source):
    clone = clone_edition(source, 2026, datetime.date(2026, 7, 17))
    shift = datetime.date(2026, 7, 17) - source.date
    old = list(source.important_dates.all())
    new = list(clone.important_dates.all())
    assert [(d.label, d.date) for d in new] == [(d.label, d.date + shift) for d in old]
    assert any(d.extended_date for d in old)
    assert not any(d.extended_date or d.extension_reason for d in new)


def test_sponsors_get_their_own_copy_of_the_logo(source):
    clone = clone_edition(source, 2026)
    for before, after in zip(source.sponsors.all(), clone.sponsors.all(), strict=True):
        assert (after.name, after.position, after.logo_alt) == (before.name, before.position, before.logo_alt)
        assert after.logo.name != before.logo.name
        assert after.logo.storage.exists(after.logo.name)
        assert after.picture is not None


def test_an_existing_year_is_refused(source):
    with pytest.raises(CloneError, match="already an edition 2024"):
        clone_edition(source, 2024)


def test_the_default_day_is_the_same_date_next_year():
    assert same_day_in(datetime.date(2024, 2, 29), 2025) == datetime.date(2025, 2, 28)
    assert same_day_in(datetime.date(2025, 7, 18), 2026) == datetime.date(2026, 7, 18)


def test_the_command_clones_and_reports(capsys):
    call_command("clone_edition", "2025", "2026", "--date", "2026-07-10")
    clone = Edition.objects.get(year=2026)
    assert clone.date == datetime.date(2026, 7, 10)
    assert "unpublished" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2019", "2026"], "no edition 2019"),
        (["2025", "2024"], "already an edition"),
        (["2025", "2026", "--date", "soon"], "not a date"),
    ],
)
def test_the_command_explains_what_is_wrong(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("clone_edition", *args)


def test_the_admin_action_asks_for_the_year_and_day_then_opens_the_clone(admin_client, source):
    changelist = reverse("admin:esfomo_edition_changelist")
    choose = {"action": "clone_selected", "_selected_action": [source.pk]}
    form = admin_client.post(changelist, choose)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="2026"' in html and 'value="2026-07-18"' in html

    response = admin_client.post(changelist, {**choose, "apply": "yes", "year": "2026", "date": "2026-07-17"})

    clone = Edition.objects.get(year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:esfomo_edition_change", args=[clone.pk])


def test_the_admin_action_refuses_a_taken_year(admin_client, source):
    changelist = reverse("admin:esfomo_edition_changelist")
    data = {"action": "clone_selected", "_selected_action": [source.pk], "apply": "yes", "year": "2024"}
    response = admin_client.post(changelist, {**data, "date": "2024-07-18"})
    assert response.status_code == 200
    assert "There is already an edition 2024." in response.content.decode()
    assert Edition.objects.filter(year=2024).count() == 1
