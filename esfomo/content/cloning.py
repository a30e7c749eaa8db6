"""Start next year's edition from this one: its frame is copied, this year's programme is not.

Copied: the edition's settings and texts, its pages, important dates (moved by as many days as the
workshop moves, extensions dropped), organizers in their order, sponsors with their logos, and the
day's sessions at the same local times on the new day. Left out: talks, accepted papers, invited
speakers, panelists and announcements, which belong to one year. The clone is unpublished.

The copy is the edition's archive records (esfomo/content/archive.py), changed by the rules above
and written back through the one writer, so every model the registry holds is handled alike.
"""

import datetime
import uuid

from django.core.files.storage import default_storage
from django.utils import timezone

from esfomo.content import archive
from esfomo.models import Edition

# Kinds of content a clone takes over; the rest belongs to one year.
COPIED = {"esfomo.edition", "esfomo.page", "esfomo.importantdate", "people.role", "people.sponsor", "program.session"}


class CloneError(Exception):
    """The clone cannot be made; the message says why, for a form or the command line."""


def same_day_in(date: datetime.date, year: int) -> datetime.date:
    """Return the same month and day in another year (29 February becomes the 28th)."""
    try:
        return date.replace(year=year)
    except ValueError:
        return date.replace(year=year, day=28)


def shift_local(moment: datetime.datetime, days: datetime.timedelta, zone) -> datetime.datetime:
    """Move an aware moment by whole days, keeping its local time of day (across DST changes too)."""
    local = timezone.localtime(moment, zone)
    return datetime.datetime.combine(local.date() + days, local.time().replace(tzinfo=None), tzinfo=zone)


def clone_edition(source: Edition, year: int, date: datetime.date | None = None, user=None) -> Edition:
    """Create edition `year` from `source` (see the module docstring) and return it."""
    if Edition.objects.filter(year=year).exists():
        raise CloneError(f"There is already an edition {year}; choose another year or delete that one first.")
    date = date or same_day_in(source.date, year)
    if date.year != year:
        raise CloneError(f"The workshop day {date:%Y-%m-%d} is not in {year}.")
    acronym = Edition(name=source.name, year=year).default_acronym()
    if Edition.objects.filter(acronym=acronym).exists():
        raise CloneError(f"The feed acronym “{acronym}” is taken; rename the other edition's acronym first.")
    days = date - source.date
    kept = []
    for record in archive.records(source):
        fields = record["fields"]
        if record["model"] not in COPIED or (record["model"] == "people.role" and fields["kind"] != "organizer"):
            continue
        if "edition" in fields:
            fields["edition"] = [year]
        if "uid" in fields:
            fields["uid"] = str(uuid.uuid4())  # a new session for calendars, not a move of last year's
        if record["model"] == "esfomo.edition":
            fields.update(year=year, date=date, acronym=acronym, is_published=False, is_current=False)
        elif record["model"] == "esfomo.importantdate":
            fields.update(date=fields["date"] + days, extended_date=None, extension_reason="")
        elif record["model"] == "program.session":
            fields.update(start=shift_local(fields["start"], days, source.tzinfo),
                          end=shift_local(fields["end"], days, source.tzinfo))  # fmt: skip
        kept.append(record)
    try:
        archive.load(kept, _stored_image, f"a clone of {source}", user=user)
    except archive.ArchiveError as error:
        raise CloneError(str(error)) from error
    return Edition.objects.get(year=year)


def _stored_image(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()
