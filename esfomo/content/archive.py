"""Move a whole edition between sites: `export_edition` writes an archive, `import_edition` reads it.

The archive is a zip file (format "esfomo-edition", version 1) holding:

- `edition.json`: `{"format": "esfomo-edition", "version": 1, "exported_at": ..., "exported_from": ...,
  "edition": {...}, "pages": [...], "important_dates": [...], "announcements": [...],
  "people": [...], "roles": [...], "sponsors": [...], "papers": [...], "sessions": [...]}`.
  Each record holds the model's fields by name, in JSON (dates, times and datetimes as ISO 8601,
  datetimes with their UTC offset). Sessions hold their talks and talks their speakers. Roles and
  speakers name their person by slug; talks name their paper by its `key` in `papers`.
- `media/<stored name>`: the bytes of every image the edition uses (banner, photos, logos), as stored.

Not carried, because the receiving site derives or keeps them itself: database ids, creation and
modification times, the rendered `*_html` of markdown fields, image dimensions and renditions, and
the edition's cache counter. A person the receiving site already has (same slug) is kept as it is.

An import is all or nothing: any problem stops it with a message saying where, and neither the
database nor the media storage keeps anything of it.
"""

import datetime
import json
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from esfomo.common import images
from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker

FORMAT = "esfomo-edition"
VERSION = 1
MANIFEST = "edition.json"
MEDIA = "media/"
MAX_MANIFEST_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 10_000
TOP_LEVEL = {
    "format", "version", "exported_at", "exported_from", "edition", "pages", "important_dates",
    "announcements", "people", "roles", "sponsors", "papers", "sessions",
}  # fmt: skip
# This site's own bookkeeping of an edition (cache keys, ETags), not content.
SITE_STATE = {"content_version", "content_changed_at"}
# How each image is shown, hence which renditions to make after an import.
SHAPES = {
    (Edition, "banner"): images.BANNER,
    (Person, "photo"): images.PORTRAIT,
    (Sponsor, "logo"): images.LOGO,
    (Sponsor, "logo_dark"): images.LOGO,
}


class ArchiveError(Exception):
    """An archive that cannot be imported; the message says why, to the person importing it."""


@dataclass
class Report:
    year: int
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def __str__(self):
        counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return "\n".join([f"Edition {self.year}: {counted}.", *self.notes])


def carried_fields(model) -> list[models.Field]:
    """The fields of a model that an archive carries (relations are carried by the archive's shape)."""
    dimensions = set()
    for image_field in model._meta.concrete_fields:
        if isinstance(image_field, models.ImageField):
            dimensions |= {image_field.width_field, image_field.height_field}
    return [
        f
        for f in model._meta.concrete_fields
        if not (
            f.primary_key
            or f.is_relation
            or getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or f.name.endswith("_html")
            or f.name in dimensions
            or f.name in SITE_STATE
        )
    ]


# --- Export -----------------------------------------------------------------------------


def export_edition(edition: Edition, path: Path) -> Report:
    """Write an edition, everything in it and every image it uses to a new zip archive at `path`."""
    media: dict[str, models.fields.files.FieldFile] = {}

    def record(obj, **relations):
        data = dict(relations)
        for f in carried_fields(type(obj)):
            value = f.value_from_object(obj)
            if isinstance(f, models.FileField):
                data[f.name] = f"{MEDIA}{value.name}" if value else ""
                if value:
                    media[data[f.name]] = value
            else:
                data[f.name] = _to_json(value)
        return data

    people = (
        Person.objects.filter(Q(roles__edition=edition) | Q(talk_credits__talk__session__edition=edition))
        .distinct()
        .order_by("slug")
    )
    papers = list(Paper.objects.filter(edition=edition).order_by("pk"))
    paper_keys = {paper.pk: key for key, paper in enumerate(papers, start=1)}
    sessions = Session.objects.filter(edition=edition).order_by("pk").prefetch_related("talks__talk_speakers__person")
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "exported_from": settings.SITE_URL,
        "edition": record(edition),
        "pages": [record(o) for o in edition.pages.order_by("pk")],
        "important_dates": [record(o) for o in edition.important_dates.order_by("pk")],
        "announcements": [record(o) for o in edition.announcements.order_by("pk")],
        "people": [record(o) for o in people],
        "roles": [record(o, person=o.person.slug) for o in edition.roles.select_related("person").order_by("pk")],
        "sponsors": [record(o) for o in edition.sponsors.order_by("pk")],
        "papers": [record(o, key=paper_keys[o.pk]) for o in papers],
        "sessions": [
            record(
                session,
                talks=[
                    record(
                        talk,
                        paper=paper_keys.get(talk.paper_id),
                        speakers=[
                            record(credit, person=credit.person.slug)
                            for credit in sorted(talk.talk_speakers.all(), key=lambda c: c.pk)
                        ],
                    )
                    for talk in sorted(session.talks.all(), key=lambda t: t.pk)
                ],
            )
            for session in sessions
        ],
    }
    with zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, field_file in sorted(media.items()):
            with field_file.storage.open(field_file.name, "rb") as handle:
                archive.writestr(name, handle.read())
    report = Report(edition.year, _counts(manifest))
    report.counts["images"] = len(media)
    return report


def _to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} values cannot be exported")


def _counts(manifest) -> dict:
    talks = [talk for session in manifest["sessions"] for talk in session.get("talks") or []]
    return {
        "pages": len(manifest["pages"]),
        "important dates": len(manifest["important_dates"]),
        "announcements": len(manifest["announcements"]),
        "people": len(manifest["people"]),
        "roles": len(manifest["roles"]),
        "sponsors": len(manifest["sponsors"]),
        "papers": len(manifest["papers"]),
        "sessions": len(manifest["sessions"]),
        "talks": len(talks),
    }


# --- Import -----------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def import_edition(path: Path, dry_run: bool = False) -> Report:
    """Create the edition an archive holds, with everything in it; all or nothing."""
    with _Archive(path) as archive:
        manifest = archive.manifest()
        importer = _Importer(archive)
        committed = False
        try:
            with transaction.atomic():
                report = importer.run(manifest)
                if dry_run:
                    raise _Rollback
            committed = True
        except _Rollback:
            report.notes.append("Dry run: nothing was saved.")
        except IntegrityError as error:
            raise ArchiveError(f"The archive's records contradict each other or this site ({error}).") from error
        finally:
            if not committed:
                importer.remove_stored_files()
    return report


class _Archive:
    """A zip archive opened for reading, refusing members outside it and sizes beyond the limits."""

    def __init__(self, path: Path):
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
            raise ArchiveError(f"{path} is not a readable zip archive ({error}).") from error
        if len(infos) > MAX_MEMBERS:
            raise ArchiveError(f"The archive holds {len(infos)} files; at most {MAX_MEMBERS} are accepted.")
        self.members = {}
        for info in infos:
            if info.is_dir():
                continue
            if not _is_archive_name(info.filename):
                raise ArchiveError(f"The archive holds “{info.filename[:200]}”, outside edition.json and media/.")
            self.members[info.filename] = info
        if MANIFEST not in self.members:
            raise ArchiveError("The archive has no edition.json: it was not made by export_edition.")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def read(self, name: str, limit: int) -> bytes:
        info = self.members.get(name)
        if info is None:
            raise ArchiveError(f"The archive lacks “{name}”, which edition.json names.")
        if info.file_size > limit:
            raise ArchiveError(
                f"“{name}” is {info.file_size / 1024 / 1024:.1f} MB; at most {limit // 1024 // 1024} MB."
            )
        try:
            with self.zip.open(info) as handle:
                data = handle.read(limit + 1)
        # zipfile signals an encrypted member with RuntimeError and an unknown compression method
        # with NotImplementedError: both are archives this site cannot read.
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as error:
            raise ArchiveError(f"“{name}” cannot be read from the archive ({error}).") from error
        if len(data) > limit:
            raise ArchiveError(f"“{name}” is larger than its archive entry says; the archive is damaged.")
        return data

    def manifest(self) -> dict:
        try:
            manifest = json.loads(self.read(MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ArchiveError(f"edition.json is not valid JSON ({str(error)[:200]}).") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError("edition.json is not an ES-FoMo edition (its “format” is not “esfomo-edition”).")
        version = manifest.get("version")
        if version != VERSION:
            raise ArchiveError(f"The archive is format version {version!r}; this site reads version {VERSION}.")
        unknown = set(manifest) - TOP_LEVEL
        if unknown:
            raise ArchiveError(f"edition.json has unknown parts: {', '.join(sorted(map(str, unknown)))}.")
        return manifest


def _is_archive_name(name: str) -> bool:
    if name == MANIFEST:
        return True
    path = PurePosixPath(name)
    return (
        name.startswith(MEDIA)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and "\x00" not in name
        and len(path.parts) > 2
    )


class _Importer:
    def __init__(self, archive: _Archive):
        self.archive = archive
        self.stored: list[tuple] = []  # (storage, name, shape, size) of every file written

    def run(self, manifest: dict) -> Report:
        data = _record(manifest.get("edition"), "edition")
        year = data.get("year")
        existing = Edition.objects.filter(year=year).first() if isinstance(year, int) else None
        if existing:
            raise ArchiveError(f"This site already has the {year} edition ({existing.name}); nothing was imported.")
        report = Report(year)
        if data.get("is_current") and Edition.objects.filter(is_current=True).exists():
            data = {**data, "is_current": False}
            report.notes.append("This site already has a current edition: the imported one is not marked current.")
        edition = self.build(Edition, data, "edition")

        for key, model in (("pages", Page), ("important_dates", ImportantDate), ("announcements", Announcement)):
            for where, item in _items(manifest, key):
                self.build(model, item, where, edition=edition)

        people = {}
        for where, item in _items(manifest, "people"):
            slug = item.get("slug")
            existing = Person.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if existing:
                report.notes.append(f"Kept this site's {existing.name} ({slug}) as it is.")
            people[slug] = existing or self.build(Person, item, where)
        for where, item in _items(manifest, "roles"):
            self.build(Role, item, where, edition=edition, person=_person(people, item, where))
        for where, item in _items(manifest, "sponsors"):
            self.build(Sponsor, item, where, edition=edition)

        papers = {}
        for where, item in _items(manifest, "papers"):
            key = item.get("key")
            if not isinstance(key, int) or isinstance(key, bool) or key in papers:
                raise ArchiveError(f"{where}: “key” must be a number of its own.")
            papers[key] = self.build(Paper, item, where, edition=edition, key=None)
        for where, item in _items(manifest, "sessions"):
            session = self.build(Session, item, where, edition=edition, talks=None)
            for talk_where, talk_item in _items(item, "talks", where):
                paper_key = talk_item.get("paper")
                if paper_key is not None and paper_key not in papers:
                    raise ArchiveError(f"{talk_where}: names paper {paper_key!r}, which “papers” lacks.")
                talk = self.build(
                    Talk, talk_item, talk_where, session=session, paper=papers.get(paper_key), speakers=None
                )
                for credit_where, credit in _items(talk_item, "speakers", talk_where):
                    self.build(
                        TalkSpeaker, credit, credit_where, talk=talk, person=_person(people, credit, credit_where)
                    )

        report.counts = _counts({key: manifest.get(key) or [] for key in TOP_LEVEL})
        report.counts["images"] = len(self.stored)
        return report

    def build(self, model, item: dict, where: str, **relations):
        """Create one object from its record; `relations` are set (or, when None, only allowed) as given."""
        fields = {f.name: f for f in carried_fields(model)}
        unknown = set(item) - set(fields) - set(relations)
        if unknown:
            raise ArchiveError(
                f"{where}: unknown field {', '.join(sorted(unknown))}; "
                "the archive was made by another version of the site."
            )
        obj = model(**{name: value for name, value in relations.items() if value is not None})
        attached = []
        for name, value in item.items():
            if isinstance(fields.get(name), models.FileField):
                attached += self.attach(obj, fields[name], value, f"{where}: {name}")
            elif name in fields:
                self.assign(obj, fields[name], value, f"{where}: {name}")
        try:
            obj.full_clean()
        except ValidationError as error:
            problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
            raise ArchiveError(f"{where}: {problems}") from error
        obj.save()
        for storage, name, shape, _ in attached:
            if shape:
                images.make_renditions(storage, name, shape)
        return obj

    def assign(self, obj, f: models.Field, value, label: str):
        expected = _json_type(f)
        if value is None:
            if not f.null:
                raise ArchiveError(f"{label}: may not be empty (null).")
        elif not isinstance(value, expected) or (isinstance(value, bool) and expected is int):
            raise ArchiveError(f"{label}: {type(value).__name__} instead of {expected.__name__}.")
        try:
            python = f.to_python(value)
        except ValidationError as error:
            raise ArchiveError(f"{label}: {' '.join(error.messages)}") from error
        if isinstance(python, datetime.datetime) and timezone.is_naive(python):
            raise ArchiveError(f"{label}: “{value}” lacks its UTC offset.")
        setattr(obj, f.attname, python)

    def attach(self, obj, f: models.FileField, value, label: str) -> list[tuple]:
        """Store an image of the archive for a file field, after the upload checks; return what was stored."""
        if value in ("", None):
            setattr(obj, f.attname, "")
            return []
        folder = str(f.upload_to)
        if not isinstance(value, str) or not value.startswith(MEDIA + folder) or not _is_archive_name(value):
            raise ArchiveError(f"{label}: “{str(value)[:200]}” is not a file under media/{folder} in the archive.")
        data = self.archive.read(value, settings.MAX_IMAGE_UPLOAD_BYTES)
        try:
            image = images.open_checked(data)
        except ValidationError as error:
            raise ArchiveError(f"{label} ({value}): {' '.join(error.messages)}") from error
        shape = SHAPES.get((type(obj), f.name))
        name = f.storage.save(value.removeprefix(MEDIA), ContentFile(data))
        stored = (f.storage, name, shape, image.size)
        self.stored.append(stored)
        setattr(obj, f.attname, name)
        if isinstance(f, models.ImageField):
            setattr(obj, f.width_field, image.width)
            setattr(obj, f.height_field, image.height)
        return [stored]

    def remove_stored_files(self):
        for storage, name, shape, size in self.stored:
            for rendition in images.renditions(name, shape, size) if shape else []:
                storage.delete(rendition.name)
            storage.delete(name)
        self.stored = []


def _json_type(f: models.Field) -> type:
    if isinstance(f, models.BooleanField):
        return bool
    if isinstance(f, (models.IntegerField, models.AutoField)):
        return int
    if isinstance(f, models.FloatField):
        return float
    return str


def _record(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ArchiveError(f"{where}: an object {{...}} was expected.")
    return value


def _items(parent: dict, key: str, where: str = ""):
    """Yield (where, record) for a list of records of the archive, refusing anything else."""
    items = parent.get(key, [])
    label = f"{where}.{key}" if where else key
    if not isinstance(items, list):
        raise ArchiveError(f"{label}: a list [...] was expected.")
    for index, item in enumerate(items):
        yield f"{label}[{index}]", _record(item, f"{label}[{index}]")


def _person(people: dict, item: dict, where: str) -> Person:
    slug = item.get("person")
    if not isinstance(slug, str) or slug not in people:
        raise ArchiveError(f"{where}: names person {str(slug)[:100]!r}, whom “people” lacks.")
    return people[slug]
