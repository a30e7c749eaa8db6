"""Start next year's edition from this one: its frame is copied, this year's programme is not.

Copied: the edition's settings and texts, its pages, important dates (moved by as many days as the
workshop moves, extensions dropped), organizers in their order, sponsors with their logos, and the
day's sessions at the same local times on the new day. Left out: talks, accepted papers, invited
speakers, panelists and announcements, which belong to one year. The clone is unpublished.
"""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from esfomo.models import Edition
from people.models import Role, Sponsor
from program.models import Session

# Fields a copy never takes over: identity, bookkeeping, and what the database or `save()` fills in.
NOT_COPIED = {"id", "created_at", "updated_at", "content_version", "content_changed_at", "sequence"}


class CloneError(Exception):
    """The clone cannot be made; the message says why, for a form or the command line."""


def same_day_in(date: datetime.date, year: int) -> datetime.date:
    """Return the same month and day in another year (29 February becomes the 28th)."""
    try:
        return date.replace(year=year)
    except ValueError:
        return date.replace(year=year, day=28)


def copy_of(obj, **changes):
    """Return an unsaved copy of a model instance with `changes` applied; image files are duplicated."""
    model = type(obj)
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in NOT_COPIED or field.name in changes:
            continue
        value = getattr(obj, field.attname)
        if hasattr(value, "storage"):
            value = _duplicate(value)
        values[field.attname] = value
    return model(**values, **changes)


def _duplicate(field_file):
    """A new upload with the same content, so each edition owns (and may delete) its own files."""
    if not field_file:
        return ""
    with field_file.storage.open(field_file.name, "rb") as handle:
        return ContentFile(handle.read(), name=field_file.name.rsplit("/", 1)[-1])


def shift_local(moment: datetime.datetime, days: datetime.timedelta, zone) -> datetime.datetime:
    """Move an aware moment by whole days, keeping its local time of day (across DST changes too)."""
    local = timezone.localtime(moment, zone)
    return datetime.datetime.combine(local.date() + days, local.time().replace(tzinfo=None), tzinfo=zone)


@transaction.atomic
def clone_edition(source: Edition, year: int, date: datetime.date | None = None) -> Edition:
    """Create edition `year` from `source` (see the module docstring) and return it."""
    if Edition.objects.filter(year=year).exists():
        raise CloneError(f"There is already an edition {year}; choose another year or delete that one first.")
    date = date or same_day_in(source.date, year)
    if date.year != year:
        raise CloneError(f"The workshop day {date:%Y-%m-%d} is not in {year}.")
    days = date - source.date

    clone = copy_of(source, year=year, date=date, acronym="", is_published=False, is_current=False)
    clone.acronym = clone.default_acronym()
    if Edition.objects.filter(acronym=clone.acronym).exists():
        raise CloneError(f"The feed acronym “{clone.acronym}” is taken; rename the other edition's acronym first.")
    clone.save()

    for page in source.pages.all():
        copy_of(page, edition=clone).save()
    for important_date in source.important_dates.all():
        copy_of(
            important_date, edition=clone, date=important_date.date + days, extended_date=None, extension_reason=""
        ).save()
    for role in Role.objects.for_edition(source).organizers():
        copy_of(role, edition=clone).save()
    for sponsor in Sponsor.objects.for_edition(source):
        copy_of(sponsor, edition=clone).save()
    for session in Session.objects.for_edition(source):
        copy_of(
            session,
            edition=clone,
            uid=uuid.uuid4(),  # a new session for calendars, not a move of last year's
            start=shift_local(session.start, days, source.tzinfo),
            end=shift_local(session.end, days, source.tzinfo),
        ).save()
    return clone
