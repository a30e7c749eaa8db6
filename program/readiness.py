"""Readiness check: the edition's schedule exports must pass the official schemas before publishing."""

import json
from functools import cache
from pathlib import Path

import icalendar
import jsonschema
import xmlschema

from esfomo import readiness

from .exporters import C3vocJsonExporter, FrabXmlExporter, ICalExporter
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
