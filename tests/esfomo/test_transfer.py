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
from esfomo.content.archive import MANIFEST, ArchiveError, import_edition
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
# instead), its own creation and modification times, cache counters and calendar revisions.
NOT_COMPARED = {"id", "created_at", "updated_at", "content_version", "content_changed_at", "sequence"}
ALL_MODELS = (Edition, Page, ImportantDate, Announcement, Person, Role, Sponsor, Paper, Session, Talk, TalkSpeaker)


def row(obj, **natural_keys) -> dict:
    """Every field of an object, images by their size (the site stores them anew), relations as natural keys."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in NOT_COMPARED or field.is_relation:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            value = Image.open(value.storage.open(value.name, "rb")).size if value else None
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
    path = tmp_path / "esfomo-2025.zip"
    out = io.StringIO()
    call_command("export_edition", "2025", str(path), stdout=out)
    assert "Written to" in out.getvalue()

    wipe_site()
    with override_settings(MEDIA_ROOT=tmp_path / "fresh-media"):
        out = io.StringIO()
        call_command("import_edition", str(path), stdout=out)
        assert "editions: 1 created" in out.getvalue()
        after = snapshot(2025)
    assert after == before


def test_the_archive_is_a_documented_zip_of_django_serialization(archive):
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read(MANIFEST))
        names = set(zipped.namelist())
    assert manifest["format"] == "esfomo-edition" and manifest["version"] == 2
    assert set(manifest) == {"format", "version", "exported_at", "exported_from", "objects"}
    edition = manifest["objects"][0]
    assert edition["model"] == "esfomo.edition" and edition["fields"]["year"] == 2025
    assert "media/" + edition["fields"]["banner"] in names
    assert all(name == MANIFEST or name.startswith("media/") for name in names)
    # Natural keys, never database ids: speakers name their talk by its uid and their person by slug.
    credit = next(o for o in manifest["objects"] if o["model"] == "program.talkspeaker")
    assert "pk" not in credit and len(credit["fields"]["talk"]) == 1 and isinstance(credit["fields"]["person"], list)
    assert not any(name.endswith("_html") for o in manifest["objects"] for name in o["fields"])


def test_people_the_site_already_has_are_kept_and_linked(archive):
    Edition.objects.get(year=2025).delete()
    tri = Person.objects.get(slug="tri-dao")
    tri.website = "https://changed.example/"
    tri.save()
    people_before = Person.objects.count()
    out = io.StringIO()
    call_command("import_edition", str(archive), stdout=out)
    assert "Kept this site's Tri Dao (tri-dao) as they are." in out.getvalue()
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


def rewrite(archive: Path, target: Path, change=None, members: dict | None = None, raw: bytes | None = None):
    """Write a copy of an archive with its manifest changed and members replaced, added or (None) removed."""
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read(MANIFEST))
        contents = {name: source.read(name) for name in source.namelist()}
    if change:
        change(manifest)
    contents[MANIFEST] = raw if raw is not None else json.dumps(manifest).encode()
    for name, data in (members or {}).items():
        contents[name] = data
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as output:
        for name, data in contents.items():
            if data is not None:
                output.writestr(name, data)
    return target


def first(manifest, model):
    return next(o for o in manifest["objects"] if o["model"] == model)


def set_field(model, name, value):
    def change(manifest):
        first(manifest, model)["fields"][name] = value

    return change


def add_object(record):
    return lambda manifest: manifest["objects"].append(record)


def polyglot() -> bytes:
    return png() + b"<html><script>alert(1)</script></html>"


BAD_ARCHIVES = {
    "edition.json is not JSON": ({"raw": b"{not json"}, "not valid JSON"),
    "edition.json is a list": ({"raw": b"[]"}, "not an ES-FoMo edition"),
    "wrong format": ({"change": lambda m: m.update(format="wordpress")}, "not an ES-FoMo edition"),
    "older version": ({"change": lambda m: m.update(version=1)}, "this site reads version 2"),
    "unknown part": ({"change": lambda m: m.update(comments=[])}, "objects” and nothing else"),
    "unknown field": ({"change": set_field("esfomo.page", "colour", "red")}, "has no field “colour”"),
    "derived field": ({"change": set_field("esfomo.page", "body_html", "<script>")}, "has no field “body_html”"),
    "a user account": (
        {"change": add_object({"model": "auth.user", "fields": {"username": "root", "is_superuser": True}})},
        "“auth.user” is not content of an edition",
    ),
    "another edition's page": (
        {"change": add_object({"model": "esfomo.page", "fields": {"edition": [2024], "slug": "x", "title": "X"}})},
        "belongs to an edition that is not in the archive",
    ),
    "year as text": ({"change": set_field("esfomo.edition", "year", "twenty")}, "objects\\[0\\]"),
    "impossible date": ({"change": set_field("esfomo.edition", "date", "2025-13-45")}, "objects\\[0\\]"),
    "unknown time zone": ({"change": set_field("esfomo.edition", "time_zone", "Mars/Olympus")}, "IANA"),
    "hostile markdown": ({"change": set_field("esfomo.edition", "pitch", "<script>x</script>")}, "<script>"),
    "naive time": ({"change": set_field("program.session", "start", "2025-07-18T09:00:00")}, "UTC offset"),
    "unknown person": ({"change": set_field("people.role", "person", ["nobody"])}, "objects\\["),
    "long name": ({"change": set_field("esfomo.page", "title", "x" * 100_000)}, "at most 120 characters"),
    "photo outside media": (
        {"change": set_field("people.person", "photo", "people/../../../etc/passwd")},
        "not a file under media/",
    ),
}


@pytest.mark.parametrize("case", BAD_ARCHIVES)
def test_bad_archives_are_refused_clearly_and_nothing_is_written(archive, tmp_path, media_root, case):
    options, message = BAD_ARCHIVES[case]
    bad = rewrite(archive, tmp_path / "bad.zip", **options)
    Edition.objects.get(year=2025).delete()
    before, stored = counts(), files(media_root)
    with pytest.raises(CommandError, match=message):
        call_command("import_edition", str(bad))
    assert counts() == before
    assert files(media_root) == stored


def test_an_object_the_site_already_has_elsewhere_is_refused(archive, tmp_path):
    """A session of another edition, named by its permanent key, must never be moved or changed."""
    other = SessionFactory(edition=Edition.objects.get(year=2024), title="2024's keynote")
    bad = rewrite(archive, tmp_path / "bad.zip", change=set_field("program.session", "uid", str(other.uid)))
    Edition.objects.get(year=2025).delete()
    with pytest.raises(CommandError, match="already has session"):
        call_command("import_edition", str(bad))
    other.refresh_from_db()
    assert (other.title, other.edition.year) == ("2024's keynote", 2024)


def test_bad_image_members_are_refused_and_nothing_is_written(archive, tmp_path, media_root):
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read(MANIFEST))
    # The last person's photo is read late: earlier images are already stored, and must go again.
    photo = "media/" + [o["fields"]["photo"] for o in manifest["objects"] if o["fields"].get("photo")][-1]
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


def jpeg_with_location_and_html() -> bytes:
    """A valid JPEG whose EXIF holds a GPS position and whose comment holds a web page."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (47.0, 30.0, 0.0)}  # GPS: latitude
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), "teal").save(buffer, "JPEG", exif=exif, comment=b"hello")
    return buffer.getvalue()


def test_archive_images_go_through_the_upload_pipeline_under_names_the_site_chooses(archive, tmp_path):
    def rename(manifest):
        person = first(manifest, "people.person")["fields"]
        person["photo"] = "people/evil.html"

    bad = rewrite(
        archive,
        tmp_path / "renamed.zip",
        change=rename,
        members={"media/people/evil.html": jpeg_with_location_and_html()},
    )
    wipe_site()
    call_command("import_edition", str(bad), stdout=io.StringIO())
    photos = [person.photo for person in Person.objects.exclude(photo="")]
    assert photos and not any(photo.name.endswith(".html") for photo in photos)
    stored = [Image.open(photo.storage.open(photo.name, "rb")) for photo in photos]
    assert all(image.format in ("JPEG", "PNG") for image in stored)
    assert all(not image.getexif() and "comment" not in image.info for image in stored)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../evil.py": b"print(1)"}, "outside edition.json and media/"),
        ({"/etc/cron.d/evil": b"x"}, "outside edition.json and media/"),
        ({"media/people/..\\..\\evil.jpg": b"x"}, "outside edition.json and media/"),
        ({MANIFEST: None}, "lacks “edition.json”"),
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
MODELS = st.sampled_from([f"{m._meta.app_label}.{m._meta.model_name}" for m in ALL_MODELS] + ["auth.user", "x"])
RECORDS = st.lists(st.fixed_dictionaries({"model": MODELS, "fields": st.dictionaries(st.text(max_size=12), JSON)}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(RECORDS, JSON))
def test_arbitrary_edition_documents_are_refused_as_an_archive_error(tmp_path, objects):
    path = tmp_path / "random.zip"
    with zipfile.ZipFile(path, "w") as output:
        output.writestr(MANIFEST, json.dumps({"format": "esfomo-edition", "version": 2, "objects": objects}))
    before = counts()
    try:
        import_edition(path)
    except ArchiveError:
        pass
    else:
        assert objects == [], "an arbitrary document was accepted"
    assert counts() == before
