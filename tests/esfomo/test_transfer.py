"""export_edition and import_edition move a whole edition between sites, losing nothing; bad archives are refused."""

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models import Q
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from esfomo.common import images
from esfomo.content.archive import MANIFEST, TOP_LEVEL, ArchiveError, import_edition
from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker
from tests.factories import (
    AnnouncementFactory,
    ImportantDateFactory,
    PageFactory,
    PaperFactory,
    PersonFactory,
    RoleFactory,
    SessionFactory,
    SponsorFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db

# What a receiving site keeps for itself: ids and relations (compared through natural keys
# instead), its own creation and modification times, and its cache counter.
NOT_COMPARED = {"id", "created_at", "updated_at", "content_version", "content_changed_at"}
ALL_MODELS = (Edition, Page, ImportantDate, Announcement, Person, Role, Sponsor, Paper, Session, Talk, TalkSpeaker)


def row(obj, **natural_keys) -> dict:
    """Every field of an object, images as their stored name and bytes, relations as natural keys."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in NOT_COMPARED or field.is_relation:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            value = (value.name, value.storage.open(value.name, "rb").read()) if value else None
        data[field.name] = value
    return {**data, **natural_keys}


def renditions_exist(field_file, shape, size) -> bool:
    return all(field_file.storage.exists(r.name) for r in images.renditions(field_file.name, shape, size))


def snapshot(year: int) -> dict:
    """Everything an edition holds, read through the ORM, independent of how the archive is made."""
    edition = Edition.objects.get(year=year)
    people = Person.objects.filter(
        Q(roles__edition=edition) | Q(talk_credits__talk__session__edition=edition)
    ).distinct()
    sessions = []
    for session in edition.sessions.order_by("uid"):
        talks = []
        for talk in session.talks.order_by("position", "title"):
            credits = [row(c, person=c.person.slug) for c in talk.talk_speakers.order_by("position", "person__slug")]
            talks.append(row(talk, paper=talk.paper.title if talk.paper else None, speakers=credits))
        sessions.append(row(session, talks=talks))
    return {
        "edition": row(edition),
        "banner renditions": renditions_exist(edition.banner, images.BANNER, (edition.banner_width, 1)),
        "pages": [row(o) for o in edition.pages.order_by("slug")],
        "dates": [row(o) for o in edition.important_dates.order_by("label", "date")],
        "announcements": [row(o) for o in edition.announcements.order_by("title", "published_at")],
        "people": [row(o) for o in people.order_by("slug")],
        "photo renditions": [
            renditions_exist(p.photo, images.PORTRAIT, (1, 1)) for p in people.order_by("slug") if p.photo
        ],
        "roles": [row(o, person=o.person.slug) for o in edition.roles.order_by("kind", "position")],
        "sponsors": [row(o) for o in edition.sponsors.order_by("position")],
        "papers": [row(o) for o in edition.papers.order_by("title")],
        "sessions": sessions,
    }


def png(size=(300, 200), color="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def enrich(edition: Edition):
    """Add to the demo edition what it lacks, so that every field and relation is exercised."""
    ImportantDateFactory(
        edition=edition, label="Extended deadline", time=None, extended_date=datetime.date(edition.year, 5, 28),
        extension_reason="one-day extension", announce=True, position=9,
    )  # fmt: skip
    AnnouncementFactory(
        edition=edition, kind=Announcement.Kind.LIVE, title="Room change", body="Now in **room B**.",
        is_published=False, published_at=datetime.datetime(2025, 7, 18, 16, 5, 7, 123456, tzinfo=datetime.UTC),
    )  # fmt: skip
    PageFactory(edition=edition, slug="venue", title="Venue", is_published=False, in_menu=False, position=7)
    person = PersonFactory(
        slug="ada-l", photo_alt="Ada at the board", scholar_url="https://scholar.example/ada",
        social_url="https://social.example/ada", photo=factory_image("ada.png", png((500, 500), "teal")),
    )  # fmt: skip
    RoleFactory(edition=edition, person=person, kind=Role.Kind.MODERATOR, affiliation="Analytical Engines")
    RoleFactory(edition=edition, person=person, kind=Role.Kind.HIDDEN)
    SponsorFactory(edition=edition, tier=Sponsor.Tier.GOLD, logo_dark=factory_image("dark.png", png()))
    paper = PaperFactory(edition=edition, openreview_id="a1B2c3D4e5", abstract="We make it *fast*.")
    PaperFactory(edition=edition, title="Off-site paper", url="https://example.org/paper.pdf")
    session = SessionFactory(edition=edition, kind=Session.Kind.ORAL, title="Orals", room="Room B", description="TBA")
    session.start += datetime.timedelta(hours=1)
    session.end += datetime.timedelta(hours=1)
    session.save()  # moved: its calendar revision goes up
    talk = TalkFactory(session=session, title="", paper=paper, abstract="Abstract.", position=2)
    TalkSpeakerFactory(talk=talk, person=person, credited_name="A. Lovelace", affiliation="AE Ltd", position=1)
    TalkSpeakerFactory(talk=talk, person=Person.objects.get(slug="tri-dao"), position=2)


def factory_image(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def wipe_site():
    """Leave the database as a fresh site's: no edition, no person."""
    TalkSpeaker.objects.all().delete()
    Edition.objects.all().delete()
    Person.objects.all().delete()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def archive(tmp_path) -> Path:
    path = tmp_path / "esfomo-2025.zip"
    call_command("export_edition", "2025", str(path), stdout=io.StringIO())
    return path


def test_a_round_trip_through_a_fresh_site_loses_nothing(tmp_path):
    edition = Edition.objects.get(year=2025)
    enrich(edition)
    before = snapshot(2025)
    assert before["sessions"] and before["people"] and before["sponsors"] and before["edition"]["banner"]
    assert any(s["sequence"] for s in before["sessions"])
    path = tmp_path / "esfomo-2025.zip"
    out = io.StringIO()
    call_command("export_edition", "2025", str(path), stdout=out)
    assert "Written to" in out.getvalue()

    wipe_site()
    with override_settings(MEDIA_ROOT=tmp_path / "fresh-media"):
        out = io.StringIO()
        call_command("import_edition", str(path), stdout=out)
        assert "Edition 2025:" in out.getvalue()
        after = snapshot(2025)
    assert after == before


def test_the_archive_is_a_documented_zip(archive):
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read(MANIFEST))
        names = set(zipped.namelist())
    assert manifest["format"] == "esfomo-edition" and manifest["version"] == 1
    assert set(manifest) == TOP_LEVEL
    assert manifest["edition"]["year"] == 2025
    assert manifest["edition"]["banner"] in names
    assert all(name == MANIFEST or name.startswith("media/") for name in names)
    speakers = [talk["speakers"] for session in manifest["sessions"] for talk in session["talks"]]
    assert any(speakers)


def test_people_the_site_already_has_are_kept_and_linked(archive):
    Edition.objects.get(year=2025).delete()
    tri = Person.objects.get(slug="tri-dao")
    tri.website = "https://changed.example/"
    tri.save()
    people_before = Person.objects.count()
    out = io.StringIO()
    call_command("import_edition", str(archive), stdout=out)
    assert "Kept this site's Tri Dao (tri-dao) as it is." in out.getvalue()
    assert Person.objects.count() == people_before
    tri.refresh_from_db()
    assert tri.website == "https://changed.example/"
    assert Role.objects.filter(edition__year=2025, person=tri).exists()


def test_an_edition_the_site_already_has_is_refused(archive, media_root):
    before, stored = counts(), files(media_root)
    with pytest.raises(CommandError, match="already has the 2025 edition"):
        call_command("import_edition", str(archive))
    assert counts() == before and files(media_root) == stored


def test_an_imported_edition_is_not_made_current_over_another(archive):
    Edition.objects.get(year=2025).delete()
    Edition.objects.filter(year=2024).update(is_current=True)
    out = io.StringIO()
    call_command("import_edition", str(archive), stdout=out)
    assert "not marked current" in out.getvalue()
    assert Edition.objects.get(is_current=True).year == 2024


def test_a_dry_run_checks_everything_and_writes_nothing(archive, media_root):
    Edition.objects.get(year=2025).delete()
    before, stored = counts(), files(media_root)
    out = io.StringIO()
    call_command("import_edition", str(archive), "--dry-run", stdout=out)
    assert "Dry run: nothing was saved." in out.getvalue()
    assert counts() == before and files(media_root) == stored


def test_export_refuses_an_unknown_edition_or_an_existing_file(archive):
    with pytest.raises(CommandError, match="no 1999 edition"):
        call_command("export_edition", "1999", str(archive.with_name("x.zip")))
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_edition", "2025", str(archive))


# --- Bad archives --------------------------------------------------------------------------


def rewrite(archive: Path, target: Path, change_manifest=None, members: dict | None = None, raw: bytes | None = None):
    """Write a copy of an archive with its manifest changed and members replaced, added or (None) removed."""
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read(MANIFEST))
        contents = {name: source.read(name) for name in source.namelist()}
    if change_manifest:
        change_manifest(manifest)
    contents[MANIFEST] = raw if raw is not None else json.dumps(manifest).encode()
    for name, data in (members or {}).items():
        contents[name] = data
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as output:
        for name, data in contents.items():
            if data is not None:
                output.writestr(name, data)
    return target


def first_image(manifest, key="people", field="photo"):
    return next(item[field] for item in manifest[key] if item[field])


def set_in(path, value):
    def change(manifest):
        *parents, last = path
        target = manifest
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def polyglot() -> bytes:
    return png() + b"<html><script>alert(1)</script></html>"


BAD_ARCHIVES = {
    "edition.json is not JSON": ({"raw": b"{not json"}, "not valid JSON"),
    "edition.json is a list": ({"raw": b"[]"}, "not an ES-FoMo edition"),
    "wrong format": ({"change_manifest": set_in(["format"], "wordpress")}, "not an ES-FoMo edition"),
    "newer version": ({"change_manifest": set_in(["version"], 2)}, "this site reads version 1"),
    "unknown part": ({"change_manifest": set_in(["comments"], [])}, "unknown parts: comments"),
    "unknown field": ({"change_manifest": set_in(["pages", 0, "colour"], "red")}, r"pages\[0\]: unknown field colour"),
    "year as text": ({"change_manifest": set_in(["edition", "year"], "2025")}, "edition: year: str instead of int"),
    "impossible date": ({"change_manifest": set_in(["edition", "date"], "2025-13-45")}, "edition: date:"),
    "unknown time zone": ({"change_manifest": set_in(["edition", "time_zone"], "Mars/Olympus")}, "IANA"),
    "hostile markdown": ({"change_manifest": set_in(["edition", "pitch"], "<script>x</script>")}, "<script>"),
    "naive time": ({"change_manifest": set_in(["sessions", 0, "start"], "2025-07-18T09:00:00")}, "UTC offset"),
    "sessions not a list": ({"change_manifest": set_in(["sessions"], {"a": 1})}, "sessions: a list"),
    "unknown person": ({"change_manifest": set_in(["roles", 0, "person"], "nobody")}, "names person 'nobody'"),
    "unknown paper": ({"change_manifest": set_in(["sessions", 0, "talks"], [{"paper": 999}])}, "names paper 999"),
    "long name": ({"change_manifest": set_in(["pages", 0, "title"], "x" * 100_000)}, "at most 120 characters"),
    "photo outside media": (
        {"change_manifest": set_in(["people", 0, "photo"], "media/people/../../../etc/passwd")},
        "not a file under media/people/",
    ),
    "photo from another folder": (
        {"change_manifest": lambda m: m["people"][0].update(photo=m["edition"]["banner"])},
        "not a file under media/people/",
    ),
}


@pytest.mark.parametrize("case", BAD_ARCHIVES)
def test_bad_archives_are_refused_clearly_and_nothing_is_written(archive, tmp_path, media_root, case):
    options, message = BAD_ARCHIVES[case]
    bad = rewrite(archive, tmp_path / "bad.zip", **options)
    wipe_site()
    before, stored = counts(), files(media_root)
    with pytest.raises(CommandError, match=message):
        call_command("import_edition", str(bad))
    assert counts() == before
    assert files(media_root) == stored


def test_bad_image_members_are_refused_and_nothing_is_written(archive, tmp_path, media_root):
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read(MANIFEST))
    # The last person's photo is read late: earlier images are already stored, and must go again.
    photo = [p["photo"] for p in manifest["people"] if p["photo"]][-1]
    cases = {
        "missing": ({photo: None}, "lacks"),
        "polyglot": ({photo: polyglot()}, "script"),
        "truncated": ({photo: png()[:100]}, "not a readable image"),
        "too large": ({photo: png() + b"\0" * (11 * 1024 * 1024)}, "at most 10 MB"),
    }
    wipe_site()
    for name, (members, message) in cases.items():
        bad = rewrite(archive, tmp_path / f"{name}.zip", members=members)
        before, stored = counts(), files(media_root)
        with pytest.raises(CommandError, match=message):
            call_command("import_edition", str(bad))
        assert counts() == before, name
        assert files(media_root) == stored, name


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../evil.py": b"print(1)"}, "outside edition.json and media/"),
        ({"/etc/cron.d/evil": b"x"}, "outside edition.json and media/"),
        ({"media/people/..\\..\\evil.jpg": b"x"}, "outside edition.json and media/"),
        ({MANIFEST: None}, "no edition.json"),
    ],
)
def test_archives_with_members_outside_are_refused(archive, tmp_path, members, message):
    bad = rewrite(archive, tmp_path / "bad.zip", members=members)
    with pytest.raises(ArchiveError, match=message):
        import_edition(bad)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "edition.zip"
    path.write_bytes(b"PK\x03\x04 but not really a zip")
    with pytest.raises(CommandError, match="not a readable zip archive"):
        call_command("import_edition", str(path))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused_as_an_archive_error(tmp_path, data):
    path = tmp_path / "random.zip"
    path.write_bytes(data)
    with pytest.raises(ArchiveError):
        import_edition(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(TOP_LEVEL - {"format", "version"})), JSON, max_size=6))
def test_arbitrary_edition_documents_are_refused_as_an_archive_error(tmp_path, parts):
    path = tmp_path / "random.zip"
    with zipfile.ZipFile(path, "w") as output:
        output.writestr(MANIFEST, json.dumps({"format": "esfomo-edition", "version": 1, **parts}))
    before = counts()
    with pytest.raises(ArchiveError):
        import_edition(path)
    assert counts() == before
