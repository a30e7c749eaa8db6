"""Load (or refresh) the demo editions described in `es-fomo-2025.yaml`.

Idempotent: every object is found by a natural key (a year, a slug, a title, a fixed
session key) and updated in place, so running it again changes nothing and never
duplicates; objects of the demo editions that the file no longer lists are removed.
"""

import datetime
import uuid
import zoneinfo
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import F

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker

from . import placeholders

DEMO_FILE = Path(__file__).with_name("es-fomo-2025.yaml")
# Session keys (and talk positions) are turned into permanent UUIDs, so calendar UIDs survive a refresh.
SESSION_NAMESPACE = uuid.UUID("6f1d3c52-2a8e-5b7e-9d0a-3c1f2e4b5a60")

EDITION_FIELDS = (
    "name", "title", "acronym", "subtitle", "tagline", "banner_alt", "date", "time_zone", "time_zone_label",
    "conference", "conference_url", "city", "venue", "room", "contact_email", "submission_url",
    "is_published", "summary", "schedule_note", "speakers_intro", "pitch",
)  # fmt: skip


def _time(value):
    if value is None:
        return None
    hours, minutes = str(value).split(":")
    return datetime.time(int(hours), int(minutes))


@transaction.atomic
def load_demo(path: Path = DEMO_FILE) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = {item["slug"]: _person(item) for item in data["people"]}
    for item in data["editions"]:
        _edition(item, people)
    return {
        "editions": Edition.objects.filter(year__in=[e["year"] for e in data["editions"]]).count(),
        "people": len(people),
        "sessions": Session.objects.filter(edition__year__in=[e["year"] for e in data["editions"]]).count(),
    }


def _person(item):
    fields = {key: item.get(key, "") for key in ("given_name", "family_name", "website")}
    person, _ = Person.objects.update_or_create(slug=item["slug"], defaults=fields)
    if not person.photo:
        person.photo = placeholders.portrait(person.slug, person.initials)
        person.save()
    return person


def _edition(item, people):
    defaults = {key: item.get(key, "") for key in EDITION_FIELDS}
    edition, _ = Edition.objects.update_or_create(year=item["year"], defaults=defaults)
    if item.get("is_current"):
        Edition.objects.exclude(pk=edition.pk).filter(is_current=True).update(is_current=False)
    if edition.is_current != bool(item.get("is_current")) or not edition.banner:
        edition.is_current = bool(item.get("is_current"))
        if not edition.banner:
            subtitle = f"{edition.title} · {edition.conference}".strip(" ·")
            edition.banner = placeholders.banner(edition.name.split()[0], subtitle)
        edition.save()

    _announcements(edition, item.get("announcements", []))
    _important_dates(edition, item.get("important_dates", []))
    _roles(edition, item.get("roles", {}), people)
    _sponsors(edition, item.get("sponsors", []))
    papers = _papers(edition, item.get("papers", []))
    _sessions(edition, item.get("sessions", []), people, papers)
    _pages(edition, item.get("pages", []))


def _announcements(edition, items):
    titles = []
    for item in items:
        edition.announcements.update_or_create(
            title=item["title"],
            defaults={"body": item["body"], "published_at": item["published_at"], "kind": Announcement.Kind.NEWS},
        )
        titles.append(item["title"])
    edition.announcements.filter(kind=Announcement.Kind.NEWS).exclude(title__in=titles).delete()


def _important_dates(edition, items):
    for position, item in enumerate(items, start=1):
        ImportantDate.objects.update_or_create(
            edition=edition,
            label=item["label"],
            defaults={
                "date": item["date"],
                "time": _time(item.get("time")),
                "zone": item.get("zone", ImportantDate.Zone.AOE),
                "extended_date": item.get("extended_date"),
                "extension_reason": item.get("extension_reason", ""),
                "announce": item.get("announce", False),
                "position": position,
            },
        )
    edition.important_dates.exclude(label__in=[item["label"] for item in items]).delete()


def _roles(edition, groups, people):
    # Move current positions out of the way first, so a reordered file never collides.
    Role.objects.filter(edition=edition).update(position=F("position") + 10_000)
    kept = []
    for kind, items in groups.items():
        for position, item in enumerate(items, start=1):
            role, _ = Role.objects.update_or_create(
                edition=edition,
                person=people[item["person"]],
                kind=kind,
                defaults={"affiliation": item.get("affiliation", ""), "position": position},
            )
            kept.append(role.pk)
    Role.objects.filter(edition=edition).exclude(pk__in=kept).delete()


def _sponsors(edition, items):
    Sponsor.objects.filter(edition=edition).update(position=F("position") + 10_000)
    for position, item in enumerate(items, start=1):
        sponsor = Sponsor.objects.filter(edition=edition, name=item["name"]).first() or Sponsor(
            edition=edition, name=item["name"]
        )
        sponsor.url = item.get("url", "")
        sponsor.logo_alt = item["logo_alt"]
        sponsor.tier = item.get("tier", Sponsor.Tier.SUPPORTER)
        sponsor.position = position
        if not sponsor.logo:
            sponsor.logo = placeholders.logo(item["name"])
        sponsor.save()
    Sponsor.objects.filter(edition=edition).exclude(name__in=[item["name"] for item in items]).delete()


def _papers(edition, items):
    papers = {}
    for item in items:
        paper, _ = Paper.objects.update_or_create(
            edition=edition,
            title=item["title"],
            defaults={key: item.get(key, "") for key in ("authors", "abstract", "decision", "openreview_id", "url")},
        )
        papers[item["key"]] = paper
    Paper.objects.filter(edition=edition).exclude(pk__in=[p.pk for p in papers.values()]).delete()
    return papers


def _sessions(edition, items, people, papers):
    zone = zoneinfo.ZoneInfo(edition.time_zone)

    def at(value):
        return datetime.datetime.combine(edition.date, _time(value), tzinfo=zone)

    kept = []
    for item in items:
        session, _ = Session.objects.update_or_create(
            uid=uuid.uuid5(SESSION_NAMESPACE, f"{edition.year}/{item['key']}"),
            defaults={
                "edition": edition,
                "kind": item["kind"],
                "title": item["title"],
                "start": at(item["start"]),
                "end": at(item["end"]),
                "description": item.get("description", ""),
            },
        )
        kept.append(session.pk)
        session.talks.all().delete()
        for position, talk_item in enumerate(item.get("talks", []), start=1):
            talk = Talk.objects.create(
                uid=uuid.uuid5(SESSION_NAMESPACE, f"{edition.year}/{item['key']}/talk-{position}"),
                session=session,
                position=position,
                title=talk_item.get("title", ""),
                start=at(talk_item["start"]) if talk_item.get("start") else None,
                paper=papers.get(talk_item.get("paper")),
            )
            for order, credit in enumerate(talk_item.get("speakers", []), start=1):
                TalkSpeaker.objects.create(
                    talk=talk,
                    person=people[credit["person"]],
                    position=order,
                    credited_name=credit.get("credited_name", ""),
                    affiliation=credit.get("affiliation", ""),
                )
    Session.objects.filter(edition=edition).exclude(pk__in=kept).delete()


def _pages(edition, items):
    for position, item in enumerate(items, start=1):
        Page.objects.update_or_create(
            edition=edition,
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "nav_title": item.get("nav_title", ""),
                "body": item["body"],
                "show_important_dates": item.get("show_important_dates", False),
                "position": position,
            },
        )
    Page.objects.filter(edition=edition).exclude(slug__in=[item["slug"] for item in items]).delete()
