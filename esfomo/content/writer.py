"""The one way content is written from outside the admin: archives, cloning, the demo and the importers.

- `save(obj, values)` sets the values that differ, checks the object as a form would (fields,
  uniqueness, constraints), saves it only when something changed, and records what happened in the
  report: a second run of the same source changes nothing, not even a timestamp.
- Images come as bytes and go through the same pipeline as an upload (esfomo/common/images.py):
  checked, turned upright, stripped of metadata, re-encoded and stored under a name the site
  chooses. An image already stored with the same pixels is left alone.
- Everything happens in one transaction: a dry run or an error rolls it back, and the image files
  stored meanwhile are removed again.
- When the write commits, one revision in the history holds every object written, and every object
  seen that had no version yet: the first edit an organizer makes to imported content can be undone.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from reversion.models import Version

from esfomo.common import images

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "left alone", "removed"
PLURALS = {"person": "people", "important date": "important dates"}


class WriteError(Exception):
    """Content that cannot be written; nothing is. The message says what and why, and where it came from."""

    def __init__(self, message: str, where=None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class Change:
    kind: str
    label: str
    action: str
    fields: tuple[str, ...] = ()

    def __str__(self):
        return self.describe()

    def describe(self, dry_run: bool = False) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields and self.action == UPDATED else ""
        return f"{self.kind} “{self.label}”: {'would be ' if dry_run else ''}{self.action}{detail}"


class Report:
    """What a write did (or, in a dry run, would do), and what its source could not use."""

    def __init__(self):
        self.changes: list[Change] = []
        self.notices: list = []
        self.images: Counter = Counter()

    def record(self, kind: str, label: str, action: str, fields=()):
        self.changes.append(Change(kind, str(label)[:120], action, tuple(fields)))

    def warn(self, notice):
        if notice not in self.notices:
            self.notices.append(notice)

    def counts(self) -> dict[str, Counter]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for change in self.changes:
            counts[change.kind][change.action] += 1
        return counts

    def count(self, kind: str, action: str) -> int:
        return self.counts()[kind][action]

    @property
    def written(self) -> list[Change]:
        return [change for change in self.changes if change.action != UNCHANGED]

    def summary(self) -> list[str]:
        lines = []
        for kind, counts in self.counts().items():
            parts = [
                f"{counts[action]} {action}" for action in (CREATED, UPDATED, UNCHANGED, REMOVED) if counts[action]
            ]
            lines.append(f"{PLURALS.get(kind, kind + 's')}: {', '.join(parts)}")
        if self.images:
            order = ("imported", UNCHANGED, "missing", "refused")
            lines.append("images: " + ", ".join(f"{self.images[key]} {key}" for key in order if self.images[key]))
        return lines


class _Rollback(Exception):
    pass


class Writer:
    """Write content in one transaction; use as a context manager.

    `source` names where the content comes from, for the history ("Imported from site checkout …").
    """

    def __init__(self, source: str, *, dry_run: bool = False, user=None, report: Report | None = None):
        self.source = source
        self.dry_run = dry_run
        self.user = user
        self.report = report or Report()
        self.seen: dict[tuple, models.Model] = {}
        self.stored: list[tuple] = []  # (storage, name, shape) of each image file written

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._revision = reversion.create_revision()
        self._revision.__enter__()
        reversion.set_comment(f"Written from {self.source}")
        if self.user is not None:
            reversion.set_user(self.user)
        return self

    def __exit__(self, kind, error, traceback):
        committed = False
        try:
            if kind is None:
                self._add_unversioned()
            self._revision.__exit__(kind, error, traceback)
            if kind is None and self.dry_run:
                transaction.set_rollback(True)
            self._atomic.__exit__(kind, error, traceback)
            committed = kind is None and not self.dry_run
        finally:
            if not committed:
                # The rows are rolled back: so are the files they named.
                for storage, name, shape in self.stored:
                    images.delete_with_renditions(storage, name, shape)
        return False

    # --- Writing ---------------------------------------------------------------------------------

    def save(self, obj, values=None, *, images=None, label=None, kind=None, where=None, exclude=()):
        """Set `values` (field name -> value) on `obj`, and `images` (field name -> bytes); save when anything differs.

        Returns the object, saved or found unchanged.
        """
        values = values or {}
        kind = kind or str(obj._meta.verbose_name)
        label = label if label is not None else str(obj)
        created = obj.pk is None
        changed = differences(obj, values)
        for field in changed:
            setattr(obj, field, values[field])
        for field, data in (images or {}).items():
            if data is not None and self._stage_image(obj, field, data, f"{kind} “{label}”", where):
                changed.append(field)
        if not created and not changed:
            self.note(obj)
            self.report.record(kind, label, UNCHANGED)
            return obj
        self.validate(obj, kind, label, where, exclude)
        obj.save()
        self.note(obj)
        for field in images or {}:
            if field in changed:
                field_file = getattr(obj, field)
                self.stored.append((field_file.storage, field_file.name, obj.IMAGE_SHAPES[field]))
        self.report.record(kind, label, CREATED if created else UPDATED, changed)
        return obj

    def note(self, obj):
        """Remember an object written or checked outside `save()`, for the history's baseline."""
        self.seen[(type(obj), obj.pk)] = obj

    def remove(self, queryset, label=str, kind=None):
        for obj in queryset:
            self.report.record(kind or str(obj._meta.verbose_name), label(obj), REMOVED)
        queryset.delete()

    @staticmethod
    def validate(obj, kind, label, where=None, exclude=()):
        """Field and constraint checks, as a form runs them; a refusal names the object and the field."""
        try:
            obj.clean_fields(exclude=list(exclude))
            obj.validate_unique(exclude=list(exclude))
            obj.validate_constraints(exclude=list(exclude))
        except ValidationError as error:
            messages = []
            for field, field_messages in error.message_dict.items():
                name = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
                messages += [f"{name}: {message}" if name else message for message in field_messages]
            raise WriteError(f"{kind} “{str(label)[:80]}” cannot be saved: {' '.join(messages)}", where) from None

    def check_deferred_constraints(self):
        """Check the constraints deferred to the commit (positions that rows may swap) now, inside the write."""
        if connection.features.supports_deferrable_unique_constraints:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    # --- Images ----------------------------------------------------------------------------------

    def _stage_image(self, obj, field: str, data: bytes, owner: str, where) -> bool:
        """Assign an image unless the one stored has the same pixels; return whether it changes."""
        try:
            normalized = images.normalize(ContentFile(data, name="image"), "image").read()
        except ValidationError as error:
            raise WriteError(f"the image of {owner} is refused: {' '.join(error.messages)}", where) from None
        current = getattr(obj, field)
        if current and _stored_bytes(current) == normalized:
            self.report.images[UNCHANGED] += 1
            return False
        self.report.images["imported"] += 1
        # The model puts it through the pipeline and removes the image it replaces once this commits.
        setattr(obj, field, ContentFile(data, name=f"{field}.jpg"))
        return True

    # --- History ---------------------------------------------------------------------------------

    def _add_unversioned(self):
        """Put every object seen but not saved that has no version yet into this write's revision."""
        by_model = defaultdict(dict)
        for (model, pk), obj in self.seen.items():
            if pk is not None and reversion.is_registered(model):
                by_model[model][str(pk)] = obj
        for model, objects in by_model.items():
            versioned = set(Version.objects.get_for_model(model).filter(object_id__in=objects).values_list(
                "object_id", flat=True
            ))  # fmt: skip
            for object_id, obj in objects.items():
                if object_id not in versioned:
                    reversion.add_to_revision(obj)


def differences(obj, values: dict) -> list[str]:
    """The fields whose value on `obj` differs from the one given (foreign keys compared by key)."""
    changed = []
    for field, value in values.items():
        if isinstance(value, models.Model):
            stored, value = getattr(obj, f"{field}_id"), value.pk
        else:
            stored = getattr(obj, field)
        if stored != value:
            changed.append(field)
    return changed


def _stored_bytes(field_file) -> bytes | None:
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None
