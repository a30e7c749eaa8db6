"""The homepage, rendered when its content changes and read back with one query.

The homepage shows nearly everything about an edition: the plan with every talk and speaker, the
people with their photos, the sponsors. Read from the models and rendered, that is a dozen queries,
a few hundred objects and a thousand template values at each request. Yet it changes only when an
organizer changes something, or when an announcement scheduled for later comes due. So the page is
rendered once for each content version, like markdown is rendered when it is saved, and kept beside
the edition (`HomepageDocument`) until the next scheduled announcement, if any: it is read back in
the query that checks it against the edition's current `content_version`, so a change anywhere
(admin, importer, revert) makes it out of date at once and the next request renders it again.

The site's address is the one thing a stored page cannot know: it holds `HOST` and `ORIGIN`, and
each request puts in its own host and scheme. Staff, who may preview drafts, get the page rendered
afresh and never stored.
"""

import dataclasses
import datetime
import hashlib

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from psycopg.errors import LockNotAvailable

from esfomo.common.formats import clock, date, due_date, emoji_heading, json_ld_text, without_emoji
from esfomo.models import Edition, HomepageDocument
from esfomo.pages import queries
from esfomo.pages.queries import edition_for, site_frame
from esfomo.pages.social_card import card_path
from esfomo.pages.structured_data import EditionEvent
from esfomo.serving.pagecache import code_fingerprint
from people.models import Role, Sponsor
from program.schedule import schedule_for

# The edition a request asks for (the current one when no year is given), its content version and
# its stored page, in one query. Written out because this query is most of a homepage request when
# no page cache answers, and the ORM takes longer to write it than the database to answer it.
_SELECT_DOCUMENT = """
    SELECT e.id, e.content_version, h.content_version, h.release_key, h.shown_until, h.modified_at, h.digest,
        h.page_html
    FROM esfomo_edition e LEFT JOIN esfomo_homepagedocument h ON h.edition_id = e.id
    WHERE e.is_published
"""
DOCUMENT_OF_YEAR_SQL = _SELECT_DOCUMENT + "AND e.year = %s"
CURRENT_DOCUMENT_SQL = _SELECT_DOCUMENT + "ORDER BY e.is_current DESC, e.year DESC LIMIT 1"

# Stand for the site's host, and its scheme and host, in stored addresses; replaced at each request
# (a name under .invalid is never anybody's address, RFC 2606).
HOST = "host.invalid"
ORIGIN = f"https://{HOST}"


@dataclasses.dataclass(frozen=True)
class Document:
    """An edition's homepage as rendered at one moment, with the placeholders for the site's address."""

    page_html: str
    # A digest of page_html: with the request's address, it tells versions of the page apart (ETag).
    digest: str
    # When what it shows last changed: the edition's content, or an announcement that came due.
    modified_at: datetime.datetime
    # When the next scheduled announcement or live notice comes due (the page must then show it), if ever.
    shown_until: datetime.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Homepage:
    """The homepage as a request gets it."""

    html: str
    etag: str
    last_modified: datetime.datetime


_release = None


def release() -> str:
    """What the document's shape and addresses depend on besides content: this release's code and its storage."""
    global _release
    if _release is None:
        media = repr((settings.MEDIA_URL, settings.STORAGES.get("default")))
        _release = hashlib.blake2b(f"{code_fingerprint()}|{media}".encode(), digest_size=8).hexdigest()
    return _release


def page_for(request, year=None) -> Homepage:
    """Return the homepage of the edition a request asks for (the current one without a year)."""
    if request.user.is_staff:
        document = build(edition_for(request, year), staff=True)
    else:
        document = stored_document(year)
    host = request.get_host()
    origin = f"{request.scheme}://{host}"
    etag = hashlib.blake2b(f"{document.digest}|{origin}".encode(), digest_size=12).hexdigest()
    return Homepage(with_origin(document.page_html, origin, host), f'W/"{etag}"', document.modified_at)


def stored_document(year=None) -> Document:
    """Return the published edition's stored document, rendered and stored first when out of date."""
    with connection.cursor() as cursor:
        if year is None:
            cursor.execute(CURRENT_DOCUMENT_SQL)
        else:
            cursor.execute(DOCUMENT_OF_YEAR_SQL, [year])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such edition.")
    pk, version, stored_version, stored_release, shown_until, modified_at, digest, page_html = row
    if (
        stored_version == version
        and stored_release == release()
        and (shown_until is None or shown_until.timestamp() > queries.now())
    ):
        return Document(page_html, digest, modified_at, shown_until)
    document = build(Edition.objects.get(pk=pk))
    store(pk, version, document)
    return document


def store(pk, version, document: Document):
    """Keep a document rendered from rows at least as new as `version`, unless a change is being saved.

    An organizer's save holds the edition's row until it commits (esfomo/locking.py), and makes this
    document out of date: rather than wait for it, visitors go on with the page they rendered.
    Holding the row also means the version cannot move on between the check and the write.
    """
    stored = HomepageDocument(
        edition_id=pk,
        content_version=version,
        release_key=release(),
        page_html=document.page_html,
        digest=document.digest,
        modified_at=document.modified_at,
        shown_until=document.shown_until,
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
                update_fields=["content_version", "release_key", "page_html", "digest", "modified_at", "shown_until"],
            )
    except OperationalError as error:
        if not isinstance(error.__cause__, LockNotAvailable):
            raise


def with_origin(text: str, origin: str, host: str) -> str:
    """Put the request's own scheme and host where the stored text has the placeholders."""
    if origin != ORIGIN.replace(HOST, host):  # an https origin needs only the host put in
        text = text.replace(ORIGIN, origin)
    return text.replace(HOST, host)


# --- Building ----------------------------------------------------------------------


def build(edition, *, staff=False) -> Document:
    """Render the edition's homepage as it should show now."""
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
    frame = site_frame(edition, staff=staff)
    announcements = [
        {"pk": news.pk, "body_html": news.body_html, "published_at": news.published_at.timestamp()}
        for news in edition.announcements.filter(is_published=True).news()
    ]
    moment = queries.now()
    scheduled = [item["published_at"] for item in announcements + frame["live_notices"]]
    context = {
        **frame,
        "origin": ORIGIN,
        "live_notices": queries.shown_now(frame["live_notices"], moment),
        "announcements": queries.shown_now(announcements, moment),
        "announced_dates": [due_date(due) for due in edition.important_dates.announced()],
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
        "structured_data": json_ld_text(event.data()),
    }
    page_html = str(render_to_string("esfomo/home.html", context))
    shown = [when for when in scheduled if when <= moment]
    later = [when for when in scheduled if when > moment]
    return Document(
        page_html,
        digest=hashlib.sha1(page_html.encode(), usedforsecurity=False).hexdigest(),
        modified_at=max([edition.content_changed_at, *(_moment(when) for when in shown)]),
        shown_until=_moment(min(later)) if later else None,
    )


def _moment(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC)


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
