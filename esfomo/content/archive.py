"""Editions as archives: `export_edition` writes one, `import_edition` reads it; the demo is one too.

An archive is a zip file (or a folder, as the demo in esfomo/demo/ is) holding:

- `edition.json`: `{"format": "esfomo-edition", "version": 2, "exported_at": …, "exported_from": …,
  "objects": [...]}`. The objects are Django's serialization (`python manage.py dumpdata` shape) of
  the content models in the registry's order (esfomo/content/registry.py), with natural keys instead
  of database ids: an edition by its year, a person by their address slug, sessions, talks, papers,
  dates, announcements and sponsors by their permanent keys. Not carried, since every site derives
  them itself: creation and modification times, rendered markdown, image sizes, cache counters.
- `media/<name>`: each image an object names (banner, photos, logos), byte for byte.

Reading is all or nothing and goes through the one writer (esfomo/content/writer.py): every object
is checked as a form checks it, every image goes through the upload pipeline and is stored under a
name the site chooses. Only the registry's models are read; every object must belong to the
archive's editions; people the site already has (same slug) are kept as they are and linked.
"""

import datetime
import json
import shutil
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models
from django.utils import timezone
from django.utils.text import slugify

from esfomo.content import registry
from esfomo.content.writer import UNCHANGED, WriteError, Writer
from esfomo.models import Edition

FORMAT = "esfomo-edition"
VERSION = 2
MANIFEST = "edition.json"
MEDIA = "media/"
MAX_MANIFEST_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 10_000


class Encoder(DjangoJSONEncoder):
    """Django's JSON, with times to the microsecond (Django's encoder keeps milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ArchiveError(Exception):
    """An archive that cannot be read; the message says why, to the person importing it."""


def carried(field) -> bool:
    """Whether an archive carries a field (relations by natural key, files by their archive member)."""
    image_sizes = {
        name
        for image in field.model._meta.concrete_fields
        if isinstance(image, models.ImageField)
        for name in (image.width_field, image.height_field)
    }
    return not (
        field.primary_key
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
        or field.name.endswith("_html")
        or field.name in image_sizes
        or field.name in registry.LIVE_FIELDS
    )


def is_carried(model, name) -> bool:
    try:
        return carried(model._meta.get_field(name))
    except FieldDoesNotExist:
        return False


# --- Writing an archive ----------------------------------------------------------------------


def records(*editions) -> list[dict]:
    """The editions' content as Django serializes it, with natural keys, in the registry's order."""
    objects = []
    for content in registry.CONTENT:
        seen = set()
        for edition in editions:
            for obj in registry.of_edition(content.model, edition).order_by("pk"):
                if obj.pk not in seen:
                    seen.add(obj.pk)
                    objects.append(obj)
    data = serializers.serialize("python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    for record in data:
        model = registry.entry_for_label(record["model"]).model
        record["fields"] = {
            name: value for name, value in record["fields"].items() if carried(model._meta.get_field(name))
        }
    return data


def images_of(record) -> dict[str, str]:
    """The image fields of a record that name a file: field name -> stored name."""
    model = registry.entry_for_label(record["model"]).model
    return {name: record["fields"][name] for name in getattr(model, "IMAGE_SHAPES", {}) if record["fields"].get(name)}


def contents(*editions) -> tuple[dict, dict]:
    """An archive's edition.json and its images (member name -> (storage, stored name)) for these editions.

    Images are named after their object's key (people/tri-dao-photo.jpg), so an archive written
    again from the same content is the same, whatever names the site stored them under.
    """
    data = records(*editions)
    media = {}
    for record in data:
        model = registry.entry_for_label(record["model"]).model
        for field, name in images_of(record).items():
            image_field = model._meta.get_field(field)
            fields = record["fields"]
            key = slugify(fields.get("slug") or fields.get("uid") or fields.get("year") or "image")
            member = f"{image_field.upload_to}{key}-{field}{PurePosixPath(name).suffix.lower()}"
            media[member] = (image_field.storage, name)
            record["fields"][field] = member
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "exported_from": settings.SITE_URL,
        "objects": data,
    }
    return manifest, media


def summary(manifest, media) -> str:
    counts = {}
    for record in manifest["objects"]:
        kind = str(registry.entry_for_label(record["model"]).model._meta.verbose_name_plural)
        counts[kind] = counts.get(kind, 0) + 1
    return f"{', '.join(f'{count} {kind}' for kind, count in counts.items())}, {len(media)} images."


def export_edition(edition, path: Path) -> str:
    """Write an edition, everything in it and every image it uses to a new zip archive at `path`; return a summary."""
    manifest, media = contents(edition)
    with zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, cls=Encoder, ensure_ascii=False, indent=1))
        for member, (storage, name) in sorted(media.items()):
            with storage.open(name, "rb") as handle:
                archive.writestr(MEDIA + member, handle.read())
    return f"Edition {edition.year}: {summary(manifest, media)}"


def write_folder(path, *years) -> str:
    """Write editions as an archive folder (edition.json and media/), as the demo is kept; return a summary."""
    folder = Path(path)
    manifest, media = contents(*Edition.objects.filter(year__in=years).order_by("year"))
    if (folder / "media").exists():
        shutil.rmtree(folder / "media")
    for member, (storage, name) in media.items():
        target = folder / MEDIA / member
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as handle:
            target.write_bytes(handle.read())
    text = json.dumps(manifest, cls=Encoder, ensure_ascii=False, indent=1)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return summary(manifest, media)


# --- Reading an archive ----------------------------------------------------------------------


def import_edition(path: Path, *, dry_run: bool = False, user=None, refresh: bool = False) -> Writer:
    """Create the editions an archive holds, with everything in them; all or nothing. Return the writer (its report).

    With `refresh`, editions the site already has are brought to the archive's content instead:
    objects are updated in place, and those the archive no longer holds are removed (seed_demo).
    """
    with Archive(path) as archive:
        data = archive.manifest()["objects"]
        return load(data, archive.image, f"the archive {Path(path).name}", dry_run=dry_run, user=user, refresh=refresh)


def load(data: list, read_image, source: str, *, dry_run=False, user=None, refresh=False) -> Writer:
    """Write archive records through the writer; `read_image(name)` returns the bytes of a stored name."""
    try:
        with Writer(source, dry_run=dry_run, user=user) as writer:
            Loader(read_image, writer, refresh).load(data)
    except WriteError as error:
        raise ArchiveError(str(error)) from error
    except DatabaseError as error:
        raise ArchiveError(f"The records contradict each other or this site ({error}).") from error
    return writer


class Archive:
    """A zip file or a folder opened for reading, refusing members outside it and sizes beyond the limits."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.zip = None
        if self.path.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(self.path)
            infos = self.zip.infolist()
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
            raise ArchiveError(f"{path} is not a readable zip archive ({error}).") from error
        if len(infos) > MAX_MEMBERS:
            raise ArchiveError(f"The archive holds {len(infos)} files; at most {MAX_MEMBERS} are accepted.")
        for info in infos:
            if not info.is_dir() and not (info.filename == MANIFEST or is_media_name(info.filename)):
                raise ArchiveError(f"The archive holds “{info.filename[:200]}”, outside edition.json and media/.")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.zip is not None:
            self.zip.close()

    def read(self, name: str, limit: int) -> bytes:
        if self.zip is None:
            return self._read_file(name, limit)
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise ArchiveError(f"The archive lacks “{name}”, which edition.json names.") from None
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

    def image(self, name) -> bytes:
        """The bytes of an image an object names (its member under media/)."""
        member = f"{MEDIA}{name}" if isinstance(name, str) else ""
        if not is_media_name(member):
            raise ArchiveError(f"“{str(name)[:200]}” is not a file under media/ in the archive.")
        return self.read(member, settings.MAX_IMAGE_UPLOAD_BYTES)

    def _read_file(self, name: str, limit: int) -> bytes:
        path = self.path / name
        if not path.is_file() or path.stat().st_size > limit:
            raise ArchiveError(f"The archive lacks “{name}”, or it is larger than {limit // 1024 // 1024} MB.")
        return path.read_bytes()

    def manifest(self) -> dict:
        try:
            manifest = json.loads(self.read(MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ArchiveError(f"edition.json is not valid JSON ({str(error)[:200]}).") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError("edition.json is not an ES-FoMo edition (its “format” is not “esfomo-edition”).")
        version = manifest.get("version")
        if version != VERSION:
            raise ArchiveError(
                f"The archive is format version {version!r}; this site reads version {VERSION}. "
                "Export the edition again with this release."
            )
        unknown = set(manifest) - {"format", "version", "exported_at", "exported_from", "objects"}
        if unknown or not isinstance(manifest.get("objects"), list):
            raise ArchiveError("edition.json must hold the edition's “objects” and nothing else.")
        return manifest


def is_media_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        name.startswith(MEDIA)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and "\x00" not in name
        and len(path.parts) > 2
    )


class Loader:
    """Turn archive records into content through the writer."""

    def __init__(self, read_image, writer: Writer, refresh: bool):
        self.read_image = read_image
        self.writer = writer
        self.refresh = refresh
        self.editions = {}  # pk -> edition, the archive's editions

    def load(self, data: list):
        for index, record in enumerate(data):
            where = f"objects[{index}]"
            if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
                raise ArchiveError(f'{where}: an object {{"model": …, "fields": {{…}}}} was expected.')
            if not isinstance(record.get("model"), str) or not registry.is_label(record["model"]):
                raise ArchiveError(f"{where}: “{str(record.get('model'))[:100]}” is not content of an edition.")
            self.load_one(record, where)
        if self.refresh:
            self.remove_the_rest()
        self.writer.check_deferred_constraints()

    def load_one(self, record: dict, where: str):
        model = registry.entry_for_label(record["model"]).model
        files = images_of(record)
        fields = {name: ("" if name in files else value) for name, value in record["fields"].items()}
        for name in fields:
            if not is_carried(model, name):
                raise ArchiveError(f"{where}: {record['model']} has no field “{str(name)[:100]}” an archive carries.")
        try:
            found = next(serializers.deserialize("python", [{"model": record["model"], "fields": fields}]))
        except (DeserializationError, ObjectDoesNotExist, ValidationError, ValueError, TypeError) as error:
            raise ArchiveError(f"{where}: {_reason(error)}") from error
        obj = found.object
        self.check_naive_times(obj, where)
        existing = model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        media = {name: self.image(value, where) for name, value in files.items()}
        if model._meta.label == "esfomo.Edition":
            obj = self.edition(obj, existing, where)
        elif existing is None:
            self.check_belongs(obj, where)
            obj.pk = None
        elif model._meta.label == "people.Person" and not self.refresh:
            self.writer.report.record("person", existing.name, UNCHANGED)
            self.writer.report.warn(f"Kept this site's {existing.name} ({existing.slug}) as they are.")
            self.writer.note(existing)
            return
        elif not self.refresh:
            raise ArchiveError(f"{where}: this site already has {model._meta.verbose_name} “{existing}”.")
        else:
            self.check_belongs(obj, where)
            obj = self.update(existing, obj, media)
            media = {name: data for name, data in media.items() if not getattr(existing, name)}
        self.writer.save(obj, images=media, where=where, exclude=self.deferred(model))

    def edition(self, edition, existing, where):
        if existing is not None:
            if not self.refresh:
                raise ArchiveError(
                    f"This site already has the {edition.year} edition ({existing.name}); nothing was imported."
                )
            edition = self.update(existing, edition, {})
        elif edition.is_current and type(edition)._default_manager.filter(is_current=True).exists():
            edition.is_current = False
            self.writer.report.warn("This site already has a current edition: the imported one is not marked current.")
        self.editions[edition.pk or edition.year] = edition
        return edition

    def update(self, existing, incoming, media):
        """The existing object with the archive's values (its images stay unless it has none)."""
        for field in type(existing)._meta.concrete_fields:
            if carried(field) and field.name not in media and not isinstance(field, models.FileField):
                setattr(existing, field.attname, getattr(incoming, field.attname))
        return existing

    def check_belongs(self, obj, where):
        if type(obj)._meta.label == "people.Person":
            return
        edition_id = registry.edition_id_of_unsaved(obj)
        saved = {edition.pk for edition in self.editions.values() if edition.pk}
        if edition_id not in saved:
            raise ArchiveError(f"{where}: belongs to an edition that is not in the archive.")

    @staticmethod
    def check_naive_times(obj, where):
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname, None)
            if isinstance(value, datetime.datetime) and timezone.is_naive(value):
                raise ArchiveError(f"{where}: {field.name} “{value}” lacks its UTC offset.")

    @staticmethod
    def deferred(model) -> tuple:
        # Positions are unique per group only at the commit: rows may swap them (esfomo/common/admin.py).
        return ("position",) if model._meta.label in ("people.Role", "people.Sponsor") else ()

    def image(self, name, where) -> bytes:
        try:
            return self.read_image(name)
        except ArchiveError as error:
            raise ArchiveError(f"{where}: {error}") from error

    def remove_the_rest(self):
        """Remove what the archive's editions hold on this site and the archive does not (people stay)."""
        for content in reversed(registry.CONTENT):
            if content.label in ("esfomo.Edition", "people.Person"):
                continue
            kept = [pk for (model, pk) in self.writer.seen if model is content.model]
            for edition in self.editions.values():
                self.writer.remove(registry.of_edition(content.model, edition).exclude(pk__in=kept))


def _reason(error) -> str:
    text = str(error)
    if isinstance(error, ValidationError):
        text = " ".join(error.messages)
    return text[:300]
