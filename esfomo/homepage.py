"""The homepage's document: its content rendered when the content changes, read with one query.

The homepage shows nearly everything about an edition: the plan with every talk and speaker, the
people with their photos, the sponsors. Read from the models and rendered, that is a dozen queries,
a few hundred objects and a thousand template values at each request. Yet it changes only when an
organizer changes something. So its content is rendered once per content version, like markdown is
rendered when it is saved, and kept beside the edition (`HomepageDocument`): it is read back in the
same query that checks it against the edition's current `content_version`, so a change anywhere
(admin, importer, revert) makes it out of date at once and the next request builds it again.

What depends on the request or the moment is not in it: each request renders the page around it
(menus, editions, live notices), puts in its own scheme and host where `HOST` and `ORIGIN` stand,
and shows the announcements whose time has come. Staff, who may preview drafts, get a document built
afresh and never stored.
"""

import dataclasses
import hashlib
import json

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from psycopg.errors import LockNotAvailable

from people.models import Role, Sponsor
from program.schedule import schedule_for

from .formats import clock, date, due_date, emoji_heading, json_ld_text, without_emoji
from .models import Edition, HomepageDocument
from .pagecache import code_fingerprint
from .queries import edition_for, site_frame
from .social_card import card_path
from .structured_data import EditionEvent

# The edition a request asks for (the current one when no year is given), its content version and
# its stored document, in one query. Written out because this query is most of a homepage render
# when no page cache answers, and the ORM takes longer to write it than the database to answer it.
_SELECT_DOCUMENT = """
    SELECT e.id, e.content_version, h.content_version, h.release_key,
        h.frame, h.hero_html, h.announced_dates_html, h.content_html, h.structured_data
    FROM esfomo_edition e LEFT JOIN esfomo_homepagedocument h ON h.edition_id = e.id
    WHERE e.is_published
"""
DOCUMENT_OF_YEAR_SQL = _SELECT_DOCUMENT + "AND e.year = %s"
CURRENT_DOCUMENT_SQL = _SELECT_DOCUMENT + "ORDER BY e.is_current DESC, e.year DESC LIMIT 1"

# The rendered parts of a document, kept as text columns of their own.
TEXTS = ("hero_html", "announced_dates_html", "content_html", "structured_data")

# Stand for the site's host, and its scheme and host, in stored addresses; replaced at each request
# (a name under .invalid is never anybody's address, RFC 2606).
HOST = "host.invalid"
ORIGIN = f"https://{HOST}"

_release = None


def release() -> str:
    """What the document's shape and addresses depend on besides content: this release's code and its storage."""
    global _release
    if _release is None:
        media = repr((settings.MEDIA_URL, settings.STORAGES.get("default")))
        _release = hashlib.blake2b(f"{code_fingerprint()}|{media}".encode(), digest_size=8).hexdigest()
    return _release


def document_for(request, year=None) -> dict:
    """Return the homepage document of the edition a request asks for (the current one without a year)."""
    if request.user.is_staff:
        return build(edition_for(request, year), staff=True)
    with connection.cursor() as cursor:
        if year is None:
            cursor.execute(CURRENT_DOCUMENT_SQL)
        else:
            cursor.execute(DOCUMENT_OF_YEAR_SQL, [year])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such edition.")
    pk, version, stored_version, stored_release, frame, *texts = row
    if stored_version == version and stored_release == release():
        # PostgreSQL's driver hands JSON over as text to Django, SQLite's always does.
        return {**(json.loads(frame) if isinstance(frame, str) else frame), **dict(zip(TEXTS, texts, strict=True))}
    document = build(Edition.objects.get(pk=pk))
    store(pk, version, document)
    return document


def store(pk, version, document):
    """Keep a document built from rows at least as new as `version`, unless a change is being saved.

    An organizer's save holds the edition's row until it commits (esfomo/locking.py), and makes this
    document out of date: rather than wait for it, visitors go on with the document they built.
    Holding the row also means the version cannot move on between the check and the write.
    """
    stored = HomepageDocument(
        edition_id=pk,
        content_version=version,
        release_key=release(),
        frame={name: value for name, value in document.items() if name not in TEXTS},
        **{name: document[name] for name in TEXTS},
    )
    editions = Edition.objects.filter(pk=pk, content_version=version)
    try:
        with transaction.atomic():
            if not editions.select_for_update(nowait=True, no_key=True).values_list("pk", flat=True):
                return  # a newer version was saved meanwhile
            HomepageDocument.objects.bulk_create(
                [stored],
                update_conflicts=True,
                unique_fields=["edition"],
                update_fields=["content_version", "release_key", "frame", *TEXTS],
            )
    except OperationalError as error:
        if not isinstance(error.__cause__, LockNotAvailable):
            raise


def with_origin(text: str, origin: str, host: str) -> str:
    """Put the request's own scheme and host where the stored text has the placeholders."""
    return text.replace(ORIGIN, origin).replace(HOST, host)


# --- Building ----------------------------------------------------------------------


def build(edition, *, staff=False) -> dict:
    """Return the edition's homepage document: the frame's values, and its content rendered."""
    roles = {kind: [] for kind in Role.Kind.values}
    for role in Role.objects.for_edition(edition).shown().with_people():
        roles[role.kind].append(role)
    days = schedule_for(edition)
    sponsors = list(Sponsor.objects.for_edition(edition))
    event = EditionEvent(
        edition,
        days=days,
        speakers=roles[Role.Kind.SPEAKER],
        organizers=roles[Role.Kind.ORGANIZER],
        sponsors=sponsors,
        origin=ORIGIN,
        image_url=ORIGIN + card_path(edition),
    )
    content = {
        "edition": {**edition_values(edition), **content_values(edition, days)},
        "days": [day_values(day, edition) for day in days],
        "speakers": [card_values(role) for role in roles[Role.Kind.SPEAKER]],
        "panelists": [card_values(role) for role in roles[Role.Kind.PANELIST] + roles[Role.Kind.MODERATOR]],
        "organizers": [card_values(role) for role in roles[Role.Kind.ORGANIZER]],
        "sponsors": [sponsor_values(sponsor) for sponsor in sponsors],
        "exports": {
            "webcal": f"webcal://{HOST}" + reverse("program:schedule-ics", args=[edition.year]),
            "ics": reverse("program:schedule-ics", args=[edition.year]),
            "dates_ics": reverse("program:dates-ics", args=[edition.year]),
            "json": reverse("program:schedule-json", args=[edition.year]),
            "xml": reverse("program:schedule-xml", args=[edition.year]),
        },
    }
    return {
        **site_frame(edition, staff=staff),
        "edition": edition_values(edition),
        "announcements": [
            {"pk": news.pk, "body_html": news.body_html, "published_at": news.published_at.timestamp()}
            for news in edition.announcements.filter(is_published=True).news()
        ],
        "announced_dates_html": render_to_string(
            "esfomo/_announced_dates.html",
            {"announced_dates": [due_date(due) for due in edition.important_dates.announced()]},
        ),
        "hero_html": render_to_string("esfomo/_home_hero.html", content),
        "content_html": render_to_string("esfomo/_home_content.html", content),
        "structured_data": json_ld_text(event.data()),
    }


def content_values(edition, days) -> dict:
    zone = edition.tzinfo
    return {
        "subtitle_html": edition.subtitle_html,
        "tagline_html": edition.tagline_html,
        "pitch_html": edition.pitch_html,
        "conference_url": edition.conference_url,
        "city": edition.city,
        "venue": edition.venue,
        "room": edition.room,
        "schedule_note": edition.schedule_note,
        "speakers_intro": edition.speakers_intro,
        "time_zone": edition.time_zone,
        "banner": picture_values(edition.banner_picture),
        "banner_alt": edition.banner_alt,
        "date_iso": date(edition.date, "Y-m-d"),
        "date_text": date(edition.date, "l, F j, Y"),
        "hours": f"{clock(days[0].start, zone)}–{clock(days[0].end, zone)}" if days else "",
    }


def edition_values(edition) -> dict:
    """What every page's frame (base.html) and the homepage read of the edition."""
    names = (
        "pk", "year", "name", "title", "is_current", "summary_html", "summary_text", "conference", "contact_email",
        "zone_label", "url", "share_card_path",
    )  # fmt: skip
    return {name: getattr(edition, name) for name in names}


def picture_values(picture) -> dict | None:
    return dataclasses.asdict(picture) if picture else None


def day_values(day, edition) -> dict:
    return {
        "date_iso": date(day.date, "Y-m-d"),
        "caption": date(day.date, "l, F j, Y"),
        "sessions": [session_values(session, edition) for session in day.sessions],
    }


def session_values(session, edition) -> dict:
    zone = edition.tzinfo
    start = clock(session.start, zone)
    return {
        "pk": session.pk,
        "kind": session.kind,
        "title": session.title,
        "heading": conditional_escape(emoji_heading(session.title)),
        "start": date(session.start, "c", zone),
        "end": date(session.end, "c", zone),
        "clock": start,
        "calendar_url": reverse("program:session-ics", args=[edition.year, session.uid]),
        "calendar_label": f"Add {without_emoji(session.title)} at {start} to your calendar",
        "has_timed_talks": session.has_timed_talks,
        "is_talk_kind": session.is_talk_kind,
        "talk_label": session.talk_label,
        "description_html": session.description_html,
        "talks": [talk_values(talk, zone) for talk in session.talk_list],
    }


def talk_values(talk, zone) -> dict:
    return {
        "anchor": f"paper-slot-{talk.paper_id}" if talk.paper_id else f"talk-{talk.pk}",
        "paper_id": talk.paper_id,
        "start": date(talk.start, "c", zone) if talk.start else "",
        "end": date(talk.end, "c", zone) if talk.start else "",
        "clock": clock(talk.start, zone) if talk.start else "",
        "speakers": ", ".join(credit.name for credit in talk.credits),
        "title": talk.display_title,
        "affiliations": talk.affiliations,
    }


def card_values(role) -> dict:
    person = role.person
    return {
        "url": person.link or person.get_absolute_url(),
        "picture": picture_values(person.portrait),
        "alt": person.portrait_alt,
        "initials": person.initials,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "affiliation": role.affiliation,
    }


def sponsor_values(sponsor) -> dict:
    return {
        "tier": sponsor.tier,
        "url": sponsor.url,
        "on_plate": not sponsor.logo_dark,
        "picture": picture_values(sponsor.picture),
        "dark": picture_values(sponsor.dark_picture),
        "alt": sponsor.logo_alt,
    }
