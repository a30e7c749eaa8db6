"""The schedule exports: valid against the official schemas, stable identifiers, right times, cacheable."""

import datetime
import json
import uuid
from pathlib import Path

import icalendar
import jsonschema
import lxml.etree
import pytest
import xmlschema
from django.contrib.auth import get_user_model

import program
from esfomo.models import Edition, ImportantDate
from program.models import Session
from tests.factories import (
    EditionFactory,
    ImportantDateFactory,
    PaperFactory,
    PersonFactory,
    SessionFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(program.__file__).with_name("schemas")
C3VOC = json.loads((SCHEMAS / "c3voc-schedule.schema.json").read_text())
FRAB = xmlschema.XMLSchema(str(SCHEMAS / "frab-schedule.xml.xsd"))
UTC = datetime.UTC
# The first session of the demo edition: 8:30am in Vancouver on 18 July 2025 (PDT, UTC−7).
OPENING_UTC = datetime.datetime(2025, 7, 18, 15, 30, tzinfo=UTC)


def validate_c3voc(document):
    # The schema says draft-06; every format it names is checked, not only the shape.
    jsonschema.Draft6Validator(C3VOC, format_checker=jsonschema.FormatChecker()).validate(document)


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return response


def calendar(client, path):
    return icalendar.Calendar.from_ical(get(client, path).content)


def events(cal):
    return list(cal.walk("VEVENT"))


def json_events(document):
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for room_events in day["rooms"].values()
        for event in room_events
    ]


def xml_events(content):
    return lxml.etree.fromstring(content).findall("./day/room/event")


def parse_time(value):
    return datetime.datetime.fromisoformat(value)


@pytest.fixture
def demo():
    return Edition.objects.get(year=2025)


@pytest.fixture
def opening(demo):
    return Session.objects.get(edition=demo, title="Opening Remarks")


# --- validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/schedule.json", "/2025/schedule.json", "/2024/schedule.json"])
def test_json_is_valid_c3voc(client, path):
    response = get(client, path)
    assert response["Content-Type"] == "application/json"
    validate_c3voc(response.json())


@pytest.mark.parametrize("path", ["/schedule.xml", "/2025/schedule.xml", "/2024/schedule.xml"])
def test_xml_is_valid_frab(client, path):
    response = get(client, path)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    FRAB.validate(response.content.decode())


def test_a_schema_check_can_fail():
    """The validators used above do refuse a broken document (the acronym rule bites)."""
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        validate_c3voc(
            {
                "schedule": {
                    "version": "1",
                    "conference": {
                        "acronym": "es-fomo-2025",
                        "title": "x",
                        "days": [],
                        "daysCount": 0,
                        "start": "2025-07-18",
                        "end": "2025-07-18",
                        "timeslot_duration": "00:05",
                    },
                }
            }
        )
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        FRAB.validate("<schedule><version>1</version><conference/></schedule>")


def test_exports_stay_valid_with_awkward_content(client):
    """Several rooms, a zone the c3voc pattern refuses, control characters, emoji-only titles, authors."""
    edition = EditionFactory(time_zone="Etc/GMT+12", room="Hall 1")
    start = datetime.datetime(edition.year, 7, 18, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=-12)))
    SessionFactory(edition=edition, title="🎉", kind=Session.Kind.OTHER, start=start, room="Hall 2")
    orals = SessionFactory(
        edition=edition,
        title="Orals\x0b with a vertical tab",
        kind=Session.Kind.ORAL,
        start=start + datetime.timedelta(hours=1),
        end=start + datetime.timedelta(hours=2),
    )
    paper = PaperFactory(edition=edition, openreview_id="abcDEF123", authors="Zoë Ångström, Ada Lovelace")
    TalkFactory(session=orals, paper=paper, title="", start=orals.start)
    talk = TalkFactory(session=orals, title="Second\x1f talk", start=orals.start + datetime.timedelta(minutes=30))
    TalkSpeakerFactory(talk=talk, person=PersonFactory(given_name="Chloé", family_name="Dupont"))
    document = get(client, f"/{edition.year}/schedule.json").json()
    validate_c3voc(document)
    assert "time_zone_name" not in document["schedule"]["conference"]
    assert [room["name"] for room in document["schedule"]["conference"]["rooms"]] == ["Hall 2", "Hall 1"]
    FRAB.validate(get(client, f"/{edition.year}/schedule.xml").content.decode())
    names = [person["name"] for event in json_events(document) for person in event["persons"]]
    assert names == ["Zoë Ångström", "Ada Lovelace", "Chloé Dupont"]
    assert "Second talk" in get(client, f"/{edition.year}/schedule.xml").content.decode()


def test_an_edition_without_sessions_still_has_its_day(client):
    edition = EditionFactory()
    document = get(client, f"/{edition.year}/schedule.json").json()
    validate_c3voc(document)
    assert document["schedule"]["conference"]["days"][0]["date"] == f"{edition.year}-07-18"
    FRAB.validate(get(client, f"/{edition.year}/schedule.xml").content.decode())
    assert events(calendar(client, f"/{edition.year}/schedule.ics")) == []


def test_the_acronym_derived_from_the_name_passes_the_schema():
    edition = Edition(name="ES-FoMo IV", year=2026)
    assert edition.default_acronym() == "esfomo2026"
    jsonschema.validate(edition.default_acronym(), C3VOC["definitions"]["Conference"]["properties"]["acronym"])


# --- content ----------------------------------------------------------------------------------


def test_830_in_vancouver_is_1530_utc_in_every_export(client, opening):
    ics = [event for event in events(calendar(client, "/schedule.ics")) if event["summary"] == "Opening Remarks"]
    assert ics[0].decoded("dtstart").astimezone(UTC) == OPENING_UTC
    # In the edition's zone with its VTIMEZONE, never floating.
    assert ics[0]["dtstart"].params["TZID"] == "America/Vancouver"
    single = events(calendar(client, f"/2025/schedule/{opening.uid}.ics"))
    assert [event.decoded("dtstart").astimezone(UTC) for event in single] == [OPENING_UTC]

    first = json_events(get(client, "/schedule.json").json())[0]
    assert (first["title"], first["start"]) == ("Opening Remarks", "08:30")
    assert parse_time(first["date"]) == OPENING_UTC

    event = xml_events(get(client, "/schedule.xml").content)[0]
    assert event.findtext("title") == "Opening Remarks"
    assert parse_time(event.findtext("date")) == OPENING_UTC


def test_calendar_has_one_event_per_session_with_everything_a_client_needs(client, demo):
    cal = calendar(client, "/schedule.ics")
    assert cal["version"] == "2.0"
    assert cal["method"] == "PUBLISH"
    assert cal["refresh-interval"].params["VALUE"] == "DURATION"
    assert cal.decoded("refresh-interval") == datetime.timedelta(hours=1)
    assert cal["x-published-ttl"] == "PT1H"
    assert [zone["tzid"] for zone in cal.walk("VTIMEZONE")] == ["America/Vancouver"]
    sessions = list(Session.objects.filter(edition=demo))
    listed = events(cal)
    assert sorted(str(event["uid"]) for event in listed) == sorted(f"{s.uid}@esfomo2025" for s in sessions)
    for event in listed:
        for name in ("dtstamp", "last-modified", "sequence", "dtstart", "dtend", "summary", "description"):
            assert name in event, name
        assert event["location"] == "Vancouver Convention Center, Vancouver"
        assert event.decoded("dtstart").tzinfo is not None
    talk = next(event for event in listed if "Hagay Lupesko" in event["description"])
    assert talk["summary"] == "Invited Talk: Zero to 50 ExaFLOPS in under a year - lessons from the trenches"
    assert talk["description"].startswith("Hagay Lupesko (Cerebras Systems): Zero to 50 ExaFLOPS")
    breaks = [event for event in listed if event["summary"] in ("Coffee break", "Lunch Break")]
    assert len(breaks) == 3
    assert {event["transp"] for event in breaks} == {"TRANSPARENT"}


def test_location_names_the_room_when_known(client, demo, opening):
    opening.room = "East Exhibition Hall A"
    opening.save()
    event = events(calendar(client, f"/2025/schedule/{opening.uid}.ics"))[0]
    assert event["location"] == "East Exhibition Hall A, Vancouver Convention Center, Vancouver"


def test_orals_with_their_own_times_are_one_event_per_talk_in_apps(client, demo):
    orals = Session.objects.get(edition=demo, title="Orals Session 1")
    calendar_event = next(e for e in events(calendar(client, "/schedule.ics")) if e["summary"] == "Orals Session 1")
    assert calendar_event["description"].splitlines()[:3] == [
        "10:30am PT: FPTQuant: Function-Preserving Transforms for LLM Quantization",
        "10:45am PT: Cartridges: Lightweight and general-purpose long context representations via self-study",
        "11:00am PT: zip2zip: Inference-Time Adaptive Vocabularies for Language Models via Token Compression",
    ]
    in_app = [event for event in json_events(get(client, "/schedule.json").json()) if event["subtitle"] == orals.title]
    assert [(event["start"], event["duration"], event["track"]) for event in in_app] == [
        ("10:30", "00:15", "Oral"),
        ("10:45", "00:15", "Oral"),
        ("11:00", "00:15", "Oral"),
    ]
    assert in_app[0]["title"] == "FPTQuant: Function-Preserving Transforms for LLM Quantization"
    assert str(guid_of(orals)) not in {event["guid"] for event in in_app}
    in_xml = [event for event in xml_events(get(client, "/schedule.xml").content) if event.findtext("subtitle")]
    assert [event.findtext("start") for event in in_xml if event.findtext("subtitle") == orals.title] == [
        "10:30",
        "10:45",
        "11:00",
    ]


def test_breaks_are_included_in_the_app_feeds(client):
    titles = [(event["title"], event["type"]) for event in json_events(get(client, "/schedule.json").json())]
    assert titles.count(("Coffee break", "break")) == 2
    assert ("Lunch Break", "break") in titles
    xml_titles = [event.findtext("title") for event in xml_events(get(client, "/schedule.xml").content)]
    assert xml_titles.count("Coffee break") == 2


def test_papers_presented_as_talks_link_to_openreview_and_credit_their_authors(client, demo):
    session = SessionFactory(edition=demo, kind=Session.Kind.ORAL, title="Late orals")
    paper = PaperFactory(edition=demo, openreview_id="Xy12AbCd", authors="Ada Lovelace, Alan Turing")
    TalkFactory(session=session, paper=paper, title="", start=session.start)
    event = next(e for e in json_events(get(client, "/schedule.json").json()) if e["subtitle"] == "Late orals")
    assert event["title"] == paper.title
    openreview = "https://openreview.net/forum?id=Xy12AbCd"
    assert event["links"] == [{"type": "paper", "url": openreview, "title": "OpenReview"}]
    assert [person["name"] for person in event["persons"]] == ["Ada Lovelace", "Alan Turing"]


def test_important_dates_fall_due_anywhere_on_earth(client, demo):
    ImportantDateFactory(
        edition=demo, label="Workshop paper deadline", date=datetime.date(2025, 5, 26), time=datetime.time(23, 59)
    )
    cal = calendar(client, "/important-dates.ics")
    listed = {str(event["summary"]): event for event in events(cal)}
    aoe = listed["ES-FoMo III: Workshop paper deadline"]
    # 23:59 at UTC−12 on 26 May is 11:59 UTC on 27 May.
    assert aoe.decoded("dtstart") == datetime.datetime(2025, 5, 27, 11, 59, tzinfo=UTC)
    assert "Anywhere on Earth" in aoe["description"]
    extended = listed["ES-FoMo III: Submission deadline"]
    assert extended.decoded("dtstart") == datetime.datetime(2025, 5, 27, 23, 59, tzinfo=UTC)
    assert extended["sequence"] == 1
    whole_day = listed["ES-FoMo III: Acceptance notification"]
    assert whole_day.decoded("dtstart") == datetime.date(2025, 6, 9)
    assert whole_day["dtstart"].params["VALUE"] == "DATE"
    date = ImportantDate.objects.get(edition=demo, label="Workshop paper deadline")
    assert aoe["uid"] == f"date-{date.pk}@esfomo2025"


# --- identity across edits ------------------------------------------------------------------


def guid_of(session):
    from program.exporters import guid_for

    return guid_for(session.uid)


def test_moving_a_session_keeps_its_identity_and_raises_its_sequence(client, opening):
    title = "Opening Remarks"

    def snapshot():
        ics = next(e for e in events(calendar(client, "/schedule.ics")) if e["summary"] == title)
        app = next(e for e in json_events(get(client, "/schedule.json").json()) if e["title"] == title)
        xml = next(e for e in xml_events(get(client, "/schedule.xml").content) if e.findtext("title") == title)
        return ics, app, xml

    ics, app, xml = snapshot()
    assert ics["sequence"] == 0
    assert app["guid"] == xml.get("guid") == str(guid_of(opening))

    opening.start += datetime.timedelta(minutes=15)
    opening.end += datetime.timedelta(minutes=15)
    opening.room = "West Ballroom B"
    opening.save()

    moved_ics, moved_app, moved_xml = snapshot()
    assert moved_ics["uid"] == ics["uid"] == f"{opening.uid}@esfomo2025"
    assert moved_ics["sequence"] == 1
    assert moved_ics.decoded("last-modified") >= ics.decoded("last-modified")
    assert moved_ics.decoded("dtstart").astimezone(UTC) == OPENING_UTC + datetime.timedelta(minutes=15)
    assert moved_app["guid"] == app["guid"]
    assert (moved_app["start"], moved_app["room"]) == ("08:45", "West Ballroom B")
    assert moved_xml.get("guid") == xml.get("guid")
    assert moved_xml.get("id") == xml.get("id")


def test_guids_come_from_the_site_and_the_permanent_key(settings, opening):
    from program.exporters import guid_for

    assert guid_for(opening.uid) == uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/{opening.uid}")
    settings.SITE_URL = "https://es-fomo.example"
    assert guid_for(opening.uid) != uuid.uuid5(uuid.NAMESPACE_URL, f"http://127.0.0.1:8000/{opening.uid}")


# --- HTTP -------------------------------------------------------------------------------------

EXPORTS = ["/schedule.ics", "/schedule.json", "/schedule.xml", "/important-dates.ics", "/2024/schedule.ics"]


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_are_cacheable_and_open_to_web_apps(client, path):
    response = get(client, path)
    assert response["Access-Control-Allow-Origin"] == "*"
    directives = [part.strip() for part in response["Cache-Control"].split(",")]
    # Apps revalidate after five minutes; the page cache adds what CDNs need.
    assert {"public", "max-age=300"} <= set(directives)
    assert "s-maxage=60" in directives
    assert response["ETag"]
    assert response["Last-Modified"]
    assert response["Content-Disposition"].startswith("inline; filename=")


@pytest.mark.parametrize("path", EXPORTS)
def test_conditional_requests_get_304_until_the_content_changes(client, path, demo):
    first = get(client, path)
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    since = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304

    for edition in Edition.objects.filter(pk__in=[demo.pk, Edition.objects.get(year=2024).pk]):
        # A change each export shows: a new date, a new session.
        ImportantDateFactory(edition=edition, label="Camera-ready deadline")
        SessionFactory(edition=edition, title="Late-breaking results")
    changed = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_staff_previews_are_kept_out_of_shared_caches(client):
    EditionFactory(year=2031, is_published=False, acronym="esfomo2031")
    assert client.get("/2031/schedule.json").status_code == 404
    client.force_login(get_user_model().objects.create_user("organizer", is_staff=True))
    response = get(client, "/2031/schedule.json")
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_session_calendar_is_found_only_in_its_own_edition(client, opening):
    assert client.get(f"/2024/schedule/{opening.uid}.ics").status_code == 404
    assert client.get(f"/2025/schedule/{uuid.uuid4()}.ics").status_code == 404
    response = get(client, f"/2025/schedule/{opening.uid}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(event["uid"]) for event in events(icalendar.Calendar.from_ical(response.content))] == [
        f"{opening.uid}@esfomo2025"
    ]


def test_exports_answer_head_and_refuse_writes(client):
    assert client.head("/schedule.ics").status_code == 200
    assert client.post("/schedule.ics").status_code == 405
