"""Running the import again updates in place: nothing duplicated, nothing rewritten without a change."""

import pytest

from esfomo.models import Edition
from people.models import Person, Role
from program.models import Session

from .conftest import SAMPLE, SAMPLE_OPTIONS, counts, run_import, stored_files, without_editions

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh():
    without_editions(2025)


def test_a_second_run_of_the_same_checkout_changes_nothing(fresh, media_root):
    run_import(SAMPLE, *SAMPLE_OPTIONS)
    before = counts()
    files = stored_files(media_root)
    edition = Edition.objects.get(year=2025)
    stamps = dict(Person.objects.values_list("slug", "updated_at"))
    output = run_import(SAMPLE, *SAMPLE_OPTIONS)
    assert counts() == before
    assert stored_files(media_root) == files
    # No save at all: the content version that caches and ETags key on did not move.
    assert Edition.objects.get(year=2025).content_version == edition.content_version
    assert dict(Person.objects.values_list("slug", "updated_at")) == stamps
    assert " created" not in output and " updated" not in output and " removed" not in output
    assert "people: 25 left alone" in output and "sessions: 15 left alone" in output
    assert "images: 26 left alone, 1 missing" in output


def test_an_updated_checkout_updates_in_place(fresh, site_copy):
    site = site_copy()
    run_import(site, *SAMPLE_OPTIONS)
    gu = Session.objects.get(edition__year=2025, talks__speakers__slug="albert-gu")
    people = Person.objects.count()

    about = site / "_pages" / "about.md"
    about.write_text(
        about.read_text().replace(
            "| 4:30pm  | **Invited Talk**    | Albert Gu", "| 4:40pm  | **Invited Talk**    | Albert Gu"
        )
    )
    card = site / "_projects" / "max.md"
    card.write_text(card.read_text().replace("description: Together AI", "description: Together AI, Yandex"))
    (site / "_projects" / "vaishaal.md").unlink()
    output = run_import(site, *SAMPLE_OPTIONS)

    moved = Session.objects.get(pk=gu.pk)
    assert moved.uid == gu.uid  # calendars keep the same entry for the moved talk
    assert moved.start.astimezone(moved.edition.tzinfo).strftime("%H:%M") == "16:40"
    assert moved.sequence == gu.sequence + 1
    assert Role.objects.get(edition__year=2025, person__slug="max-ryabinin").affiliation == "Together AI, Yandex"
    assert not Role.objects.filter(edition__year=2025, person__slug="vaishaal-shankar").exists()
    assert Person.objects.filter(slug="vaishaal-shankar").exists()  # people are never deleted
    assert Person.objects.count() == people
    assert Session.objects.filter(edition__year=2025).count() == 15
    assert "sessions: 2 updated, 13 left alone" in output  # Gu's talk, and the Zachary Charles talk it now ends
    assert "roles: 1 updated, 23 left alone, 1 removed" in output


def test_importing_over_the_demo_finds_its_people_instead_of_duplicating_them():
    people = Person.objects.count()
    run_import(SAMPLE, *SAMPLE_OPTIONS)
    assert Person.objects.count() == people
    assert Role.objects.filter(edition__year=2025).count() == 25
    assert Person.objects.get(slug="zach-charles").talk_credits.get().credited_name == "Zachary Charles"


def test_a_dry_run_writes_nothing(fresh, media_root):
    before, files = counts(), stored_files(media_root)
    output = run_import(SAMPLE, *SAMPLE_OPTIONS, "--dry-run")
    assert counts() == before
    assert stored_files(media_root) == files
    assert "person “Albert Gu”: would be created" in output
    assert "session “Invited Talk, 16:30”: would be created" in output
    assert "Dry run, nothing was written" in output
    assert "people: 25 created" in output and "images: 26 imported, 1 missing" in output


def test_a_dry_run_on_an_updated_checkout_says_what_would_change(fresh, site_copy):
    site = site_copy()
    run_import(site, *SAMPLE_OPTIONS)
    before = counts()
    card = site / "_projects" / "max.md"
    card.write_text(card.read_text().replace("importance: 3", "importance: 30"))
    output = run_import(site, *SAMPLE_OPTIONS, "--dry-run")
    assert counts() == before
    assert list(Role.objects.filter(edition__year=2025, kind="organizer").values_list("person__slug", flat=True))[
        2
    ] == ("max-ryabinin")
    assert "role “Max Ryabinin, organizer”: would be updated (position)" in output
    assert "would be created" not in output
