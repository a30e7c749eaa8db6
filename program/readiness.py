"""Readiness checks of the programme: sessions that overlap or lack speakers, feeds that fail their schemas."""

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import icalendar
import jsonschema
import xmlschema

from esfomo import readiness

from .exporters import C3vocJsonExporter, FrabXmlExporter, ICalExporter
from .models import Session
from .schedule import schedule_for

SCHEMAS = Path(__file__).with_name("schemas")
# Enough to see what is wrong without drowning the page.
MAX_ERRORS_PER_FORMAT = 5


@cache
def c3voc_validator():
    schema = json.loads((SCHEMAS / "c3voc-schedule.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def frab_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "frab-schedule.xml.xsd"))


def c3voc_errors(text: str) -> list[str]:
    errors = c3voc_validator().iter_errors(json.loads(text))
    return [f"{'/'.join(map(str, error.absolute_path)) or 'document'}: {error.message}" for error in errors]


def frab_errors(text: str) -> list[str]:
    return [f"{error.path or 'document'}: {error.reason}" for error in frab_schema().iter_errors(text)]


def ical_errors(text: str) -> list[str]:
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        return [str(error)]
    # A time without a zone is read in each subscriber's own zone: every start must be anchored.
    return [
        f"“{event.get('SUMMARY')}” has a floating start time"
        for event in calendar.walk("VEVENT")
        if getattr(event.decoded("DTSTART"), "tzinfo", True) is None
    ]


# Session kinds that have someone on stage: a session of these kinds without a speaker is unfinished.
KINDS_WITH_SPEAKERS = (Session.Kind.INVITED_TALK, Session.Kind.ORAL, Session.Kind.SPOTLIGHT, Session.Kind.PANEL)


@readiness.register("Sessions")
def sessions_consistent(edition) -> Iterable[readiness.Problem]:
    sessions = list(Session.objects.for_edition(edition).with_talks())
    by_room = {}
    for session in sessions:
        by_room.setdefault(session.room or edition.room, []).append(session)
    for room_sessions in by_room.values():
        latest = None  # the session that ends last among those seen so far
        for session in room_sessions:
            if latest is not None and session.start < latest.end:
                this = f"{readiness.local_time(edition, session.start)}–{readiness.local_time(edition, session.end)}"
                that = f"{readiness.local_time(edition, latest.start)}–{readiness.local_time(edition, latest.end)}"
                yield readiness.Problem(f"“{session.title}” ({this}) overlaps “{latest.title}” ({that}).", session)
            if latest is None or session.end > latest.end:
                latest = session
    for session in sessions:
        if session.kind not in KINDS_WITH_SPEAKERS:
            continue
        when = f"“{session.title}” at {readiness.local_time(edition, session.start)}"
        if not session.talk_list:
            yield readiness.Problem(f"{when} has no talk or speaker yet.", session)
            continue
        for talk in session.talk_list:
            if not talk.credits:
                title = f"“{talk.display_title}”" if talk.display_title else "A talk"
                yield readiness.Problem(f"{title} in {when} has no speaker.", talk)


FORMATS = (
    ("c3voc JSON (/schedule.json)", C3vocJsonExporter, c3voc_errors),
    ("frab XML (/schedule.xml)", FrabXmlExporter, frab_errors),
    ("iCalendar (/schedule.ics)", ICalExporter, ical_errors),
)


@readiness.register("Schedule feeds for calendars and apps")
def exports_follow_their_schemas(edition):
    days = schedule_for(edition)
    for label, exporter, errors_of in FORMATS:
        for error in errors_of(exporter(edition, days).render())[:MAX_ERRORS_PER_FORMAT]:
            yield readiness.Problem(f"The {label} export is invalid: {error}", obj=edition)
