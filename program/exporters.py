"""Schedule exports: iCalendar, c3voc JSON and frab XML, each a small class over `schedule_for()`.

Every exporter declares its extension and content type and renders one edition's days (a list of
`schedule.Day`). Identifiers never depend on a session's time or room: a calendar UID is the
session's permanent key with the edition's acronym, an app GUID a UUID5 of the site and that key,
so a moved session moves in calendars and apps instead of appearing twice.

Sessions whose talks all carry their own start (the orals sessions) appear in the c3voc and frab
feeds as one event per talk, which attendee apps can star, remind and show as "now"; in iCalendar
they stay one event per session, with the talks and their times in the description.
"""

import abc
import datetime
import html
import json
import re
import uuid
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass, field

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from esfomo.common.formats import clock
from esfomo.models import ImportantDate

# How often subscribed calendars should fetch the feed again (RFC 7986 and its Outlook twin).
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# Talk events share the feeds' integer `id` space with sessions: they are numbered from here.
TALK_ID_OFFSET = 10_000_000
# The c3voc schema accepts only zone names of this shape; other zones are left out (they are optional).
C3VOC_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Characters XML 1.0 cannot carry at all.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

EVENT_TYPES = {
    "invited_talk": "talk",
    "oral": "talk",
    "spotlight": "talk",
    "panel": "discussion",
    "poster": "poster",
    "break": "break",
}


def site_url(path=""):
    return f"{settings.SITE_URL}{path}"


def guid_for(key) -> uuid.UUID:
    """The GUID apps know an event or person by: a UUID5 of this site and a permanent key."""
    return uuid.uuid5(uuid.NAMESPACE_URL, site_url(f"/{key}"))


def plain_text(html_text):
    return html.unescape(strip_tags(html_text)).strip()


def speaker_line(talk):
    """“Hagay Lupesko (Cerebras Systems): Zero to 50 ExaFLOPS…”, or the paper's authors when no speaker is set."""
    names = [credit.name for credit in talk.credits]
    if not names and talk.paper_id:
        names = talk.paper.author_list
    who = ", ".join(names)
    if talk.affiliations:
        who = f"{who} ({talk.affiliations})"
    return f"{who}: {talk.display_title}" if who else talk.display_title


def place_of(session):
    edition = session.edition
    return ", ".join(part for part in (session.place, edition.venue, edition.city) if part)


def session_url(session):
    return site_url(reverse("esfomo:edition", kwargs={"year": session.edition.year}) + f"#{session.anchor}")


class Exporter(abc.ABC):
    """One export format of an edition's schedule."""

    extension = ""
    content_type = ""

    def __init__(self, edition, days):
        self.edition = edition
        self.days = days

    @property
    def filename(self):
        return f"{self.edition.acronym}.{self.extension}"

    def sessions(self):
        return [session for day in self.days for session in day.sessions]

    @abc.abstractmethod
    def render(self) -> str:
        """Return the whole document."""


# --- iCalendar ---------------------------------------------------------------------------


class CalendarExporter(Exporter):
    """Shared frame of the iCalendar exports: the calendar's own properties."""

    extension = "ics"
    content_type = "text/calendar; charset=utf-8"
    name_suffix = ""

    def calendar(self):
        edition = self.edition
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//ES-FoMo portal//Schedule//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = f"{edition.name}{self.name_suffix}" + (f" ({edition.conference})" if edition.conference else "")
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("url", site_url(edition.get_absolute_url()))
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL).to_ical().decode())
        return calendar

    def stamp(self):
        # The moment this content was made; the same for every render of one content version.
        return self.edition.content_changed_at


class ICalExporter(CalendarExporter):
    """The sessions as iCalendar events in the edition's zone, with its VTIMEZONE (never floating)."""

    def render(self):
        edition = self.edition
        calendar = self.calendar()
        calendar.add("x-wr-timezone", edition.time_zone)
        for session in self.sessions():
            calendar.add_component(self.event(session))
        # Only the transitions near the workshop: a compact VTIMEZONE that every client reads.
        calendar.add_missing_timezones(
            first_date=edition.date - datetime.timedelta(days=366),
            last_date=edition.date + datetime.timedelta(days=366),
        )
        return calendar.to_ical().decode()

    def event(self, session):
        edition = self.edition
        zone = edition.tzinfo
        event = icalendar.Event()
        event.add("uid", f"{session.uid}@{edition.acronym}")
        event.add("dtstamp", self.stamp())
        event.add("created", session.created_at)
        event.add("last-modified", max([session.updated_at, *(talk.updated_at for talk in session.talk_list)]))
        event.add("sequence", session.sequence)
        event.add("summary", self.summary(session))
        event.add("dtstart", session.start.astimezone(zone))
        event.add("dtend", session.end.astimezone(zone))
        if location := place_of(session):
            event.add("location", location)
        event.add("description", self.description(session))
        event.add("url", session_url(session))
        event.add("categories", [session.get_kind_display()])
        event.add("status", "CONFIRMED")
        # Breaks do not make anyone busy.
        event.add("transp", "TRANSPARENT" if session.kind == session.Kind.BREAK else "OPAQUE")
        return event

    def summary(self, session):
        if len(session.talk_list) == 1 and session.talk_list[0].display_title:
            return f"{session.title}: {session.talk_list[0].display_title}"
        return session.title

    def description(self, session):
        lines = []
        with timezone.override(self.edition.tzinfo):
            for talk in session.talk_list:
                when = f"{clock(talk.start)} {self.edition.zone_label}: " if talk.start else ""
                lines.append(f"{when}{speaker_line(talk)}")
        if not lines and session.description_html:
            lines.append(plain_text(session.description_html))
        lines.append(f"{self.edition.name}: {site_url(self.edition.get_absolute_url())}")
        return "\n".join(lines)


class ImportantDatesExporter(CalendarExporter):
    """The edition's deadlines, at the moment they fall due (Anywhere on Earth, shown in UTC)."""

    name_suffix = " important dates"

    def __init__(self, edition, dates):
        super().__init__(edition, days=[])
        self.dates = dates

    @property
    def filename(self):
        return f"{self.edition.acronym}-dates.ics"

    def render(self):
        calendar = self.calendar()
        for date in self.dates:
            calendar.add_component(self.event(date))
        return calendar.to_ical().decode()

    def event(self, date):
        edition = self.edition
        event = icalendar.Event()
        event.add("uid", f"date-{date.pk}@{edition.acronym}")
        event.add("dtstamp", self.stamp())
        event.add("last-modified", date.updated_at)
        # An extension is the one way a date moves after it was announced.
        event.add("sequence", 1 if date.extended_date else 0)
        event.add("summary", f"{edition.name}: {date.label}")
        if date.time is None:
            # A whole day, such as a notification: an all-day event.
            event.add("dtstart", date.effective_date)
            event.add("dtend", date.effective_date + datetime.timedelta(days=1))
        else:
            # A deadline is a moment: no end (RFC 5545 then ends it where it starts), in UTC so
            # that every calendar shows the visitor's own time of it.
            event.add("dtstart", date.due.astimezone(datetime.UTC))
        event.add("description", self.description(date))
        event.add("url", site_url(edition.get_absolute_url()))
        event.add("transp", "TRANSPARENT")
        return event

    def description(self, date):
        if date.time is None:
            text = f"{date.label}: {date.effective_date:%B} {date.effective_date.day}, {date.effective_date:%Y}."
        else:
            day = f"{date.effective_date:%B} {date.effective_date.day}, {date.effective_date:%Y}"
            if date.zone == ImportantDate.Zone.AOE:
                utc = date.due.astimezone(datetime.UTC)
                text = (
                    f"{date.label}: {date.time:%H:%M} Anywhere on Earth (UTC−12) on {day}, "
                    f"that is {utc:%Y-%m-%d %H:%M} UTC."
                )
            else:
                text = f"{date.label}: {date.time:%H:%M} UTC on {day}."
        if date.extension_reason:
            text += f" ({date.extension_reason})"
        return text


# --- c3voc JSON and frab XML ----------------------------------------------------------------


@dataclass
class Slot:
    """One event as attendee apps see it: a session, or one talk of a session whose talks have times."""

    id: int
    guid: uuid.UUID
    start: datetime.datetime
    end: datetime.datetime
    title: str
    subtitle: str
    type: str
    track: str
    room: str
    url: str
    abstract: str = ""
    description: str = ""
    persons: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


class ProgrammeExporter(Exporter):
    """Shared reading of the schedule for the attendee-app formats: days, rooms and slots."""

    generator = "ES-FoMo portal"

    def room_of(self, session):
        edition = self.edition
        return session.place or edition.venue or edition.name

    def slots(self, day):
        slots = []
        for session in day.sessions:
            if session.talks_have_own_slots:
                slots.extend(self.talk_slot(session, talk) for talk in session.talk_list)
            else:
                slots.append(self.session_slot(session))
        return sorted(slots, key=lambda slot: (slot.start, slot.id))

    def rooms(self, slots):
        rooms = {}
        for slot in slots:
            rooms.setdefault(slot.room, []).append(slot)
        return rooms

    def all_rooms(self):
        return list(dict.fromkeys(self.room_of(session) for session in self.sessions())) or [self.room_of_edition()]

    def room_of_edition(self):
        return self.edition.room or self.edition.venue or self.edition.name

    def room_guid(self, name):
        return guid_for(f"{self.edition.year}/rooms/{name}")

    def session_slot(self, session):
        talks = session.talk_list
        title, subtitle, abstract, description = session.title, "", "", ""
        if len(talks) == 1 and talks[0].display_title:
            title, subtitle = talks[0].display_title, session.title
            abstract = talks[0].abstract or (talks[0].paper.abstract if talks[0].paper_id else "")
        elif talks:
            description = "\n".join(speaker_line(talk) for talk in talks)
        else:
            description = plain_text(session.description_html)
        return Slot(
            id=session.pk,
            guid=guid_for(session.uid),
            start=session.start,
            end=session.end,
            title=title,
            subtitle=subtitle,
            type=EVENT_TYPES.get(session.kind, "other"),
            track=session.get_kind_display(),
            room=self.room_of(session),
            url=session_url(session),
            abstract=abstract,
            description=description,
            persons=[person for talk in talks for person in self.persons(talk)],
            links=[link for talk in talks for link in self.links(talk)],
        )

    def talk_slot(self, session, talk):
        return Slot(
            id=TALK_ID_OFFSET + talk.pk,
            guid=guid_for(talk.uid),
            start=talk.start,
            end=talk.end,
            title=talk.display_title or session.title,
            subtitle=session.title,
            type=EVENT_TYPES.get(session.kind, "other"),
            track=session.talk_label,
            room=self.room_of(session),
            url=session_url(session),
            abstract=talk.abstract or (talk.paper.abstract if talk.paper_id else ""),
            persons=self.persons(talk),
            links=self.links(talk),
        )

    def persons(self, talk):
        if talk.credits:
            return [
                {
                    "id": credit.person_id,
                    "guid": str(guid_for(f"people/{credit.person.slug}")),
                    "name": credit.name,
                    "url": site_url(credit.person.get_absolute_url()),
                }
                for credit in talk.credits
            ]
        if talk.paper_id:
            return [{"name": name} for name in talk.paper.author_list]
        return []

    def links(self, talk):
        if talk.paper_id and talk.paper.link:
            title = "OpenReview" if talk.paper.openreview_id else "Paper"
            return [{"type": "paper", "url": talk.paper.link, "title": title}]
        return []

    def local(self, moment):
        return moment.astimezone(self.edition.tzinfo)

    def day_bounds(self, day):
        if day is None:
            # An edition without sessions yet: its whole day.
            start = datetime.datetime.combine(self.edition.date, datetime.time(0), tzinfo=self.edition.tzinfo)
            return start, start + datetime.timedelta(hours=23, minutes=59)
        return self.local(day.start), self.local(day.end)

    def listed_days(self):
        """Each day with its slots; one empty day for an edition without sessions (the formats need one)."""
        if not self.days:
            return [(1, self.edition.date, None, [])]
        return [(index, day.date, day, self.slots(day)) for index, day in enumerate(self.days, start=1)]

    def slug(self, slot):
        words = slugify(slot.title)[:60].strip("-_") or slot.type
        return f"{self.edition.acronym}-{slot.id}-{words}"

    @staticmethod
    def duration(slot):
        minutes = int((slot.end - slot.start).total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def feed_url(self, year_path):
        return site_url(reverse(year_path, kwargs={"year": self.edition.year}))


class C3vocJsonExporter(ProgrammeExporter):
    """The c3voc schedule JSON (https://c3voc.de/schedule/schema.json)."""

    extension = "json"
    content_type = "application/json"

    def render(self):
        edition = self.edition
        days = self.listed_days()
        conference = {
            "acronym": edition.acronym,
            "title": f"{edition.name}: {edition.title}",
            "start": days[0][1].isoformat(),
            "end": days[-1][1].isoformat(),
            "daysCount": len(days),
            "timeslot_duration": "00:05",
            "url": site_url(edition.get_absolute_url()),
            "rooms": [{"name": name, "guid": str(self.room_guid(name))} for name in self.all_rooms()],
            "days": [self.day(index, date, day, slots) for index, date, day, slots in days],
        }
        if C3VOC_ZONE_NAME.match(edition.time_zone):
            conference["time_zone_name"] = edition.time_zone
        document = {
            "$schema": "https://c3voc.de/schedule/schema.json",
            "generator": {"name": self.generator, "url": site_url("/")},
            "schedule": {
                "version": f"v{edition.content_version}",
                "base_url": site_url("/"),
                "url": self.feed_url("program:schedule-json"),
                "conference": conference,
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=2)

    def day(self, index, date, day, slots):
        start, end = self.day_bounds(day)
        return {
            "index": index,
            "date": date.isoformat(),
            "day_start": start.isoformat(),
            "day_end": end.isoformat(),
            "rooms": {room: [self.event(slot) for slot in listed] for room, listed in self.rooms(slots).items()},
        }

    def event(self, slot):
        start = self.local(slot.start)
        return {
            "id": slot.id,
            "guid": str(slot.guid),
            "date": start.isoformat(),
            "start": f"{start:%H:%M}",
            "end": self.local(slot.end).isoformat(),
            "duration": self.duration(slot),
            "room": slot.room,
            "slug": self.slug(slot),
            "url": slot.url,
            "title": slot.title,
            "subtitle": slot.subtitle,
            "track": slot.track,
            "type": slot.type,
            "language": "en",
            "abstract": slot.abstract,
            "description": slot.description,
            "persons": slot.persons,
            "links": slot.links,
        }


class FrabXmlExporter(ProgrammeExporter):
    """The frab schedule XML that attendee apps (Giggity, EventFahrplan, …) read.

    ElementTree only builds the document here; it never parses input (bandit's B405 concern).
    """

    extension = "xml"
    content_type = "application/xml; charset=utf-8"

    def render(self):
        edition = self.edition
        days = self.listed_days()
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name=self.generator)
        self.text(root, "url", self.feed_url("program:schedule-xml"))
        self.text(root, "version", f"v{edition.content_version}")
        conference = ET.SubElement(root, "conference")
        self.text(conference, "title", f"{edition.name}: {edition.title}")
        self.text(conference, "acronym", edition.acronym)
        self.text(conference, "start", days[0][1].isoformat())
        self.text(conference, "end", days[-1][1].isoformat())
        self.text(conference, "days", str(len(days)))
        self.text(conference, "timeslot_duration", "00:05")
        self.text(conference, "base_url", site_url("/"))
        self.text(conference, "url", site_url(edition.get_absolute_url()))
        self.text(conference, "time_zone_name", edition.time_zone)
        for index, date, day, slots in days:
            start, end = self.day_bounds(day)
            day_element = ET.SubElement(
                root, "day", index=str(index), date=date.isoformat(), start=start.isoformat(), end=end.isoformat()
            )
            for room, room_slots in self.rooms(slots).items():
                room_element = ET.SubElement(day_element, "room", name=self.clean(room), guid=str(self.room_guid(room)))
                for slot in room_slots:
                    self.event(room_element, slot)
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

    def event(self, parent, slot):
        start = self.local(slot.start)
        event = ET.SubElement(parent, "event", id=str(slot.id), guid=str(slot.guid))
        self.text(event, "date", start.isoformat())
        self.text(event, "start", f"{start:%H:%M}")
        self.text(event, "duration", self.duration(slot))
        self.text(event, "room", slot.room)
        self.text(event, "slug", self.slug(slot))
        self.text(event, "url", slot.url)
        self.text(event, "title", slot.title)
        self.text(event, "subtitle", slot.subtitle)
        self.text(event, "track", slot.track)
        self.text(event, "type", slot.type)
        self.text(event, "language", "en")
        self.text(event, "abstract", slot.abstract)
        self.text(event, "description", slot.description)
        persons = ET.SubElement(event, "persons")
        for person in slot.persons:
            attributes = {"id": str(person["id"]), "guid": person["guid"]} if "guid" in person else {}
            ET.SubElement(persons, "person", attributes).text = self.clean(person["name"])
        links = ET.SubElement(event, "links")
        for link in slot.links:
            ET.SubElement(links, "link", href=link["url"], type=link["type"]).text = self.clean(link["title"])

    @classmethod
    def text(cls, parent, tag, value):
        element = ET.SubElement(parent, tag)
        element.text = cls.clean(value)
        return element

    @staticmethod
    def clean(value):
        return XML_FORBIDDEN.sub("", value)
