"""Write a read site into the models, updating in place what an earlier import (or the admin) made.

This module writes the edition, its dates, pages and announcement; `people_writer` the roster,
`schedule_writer` the day. Objects are found by natural keys: the edition by year, people by slug
or name, roles by person and kind, sessions by a uid derived from the edition's year and the
session's key (its title, and its speaker for an invited talk), talks by their place in the
session, pages by address, dates by label, papers by title. An object is saved only when a value
differs, so a second run of the same checkout changes nothing, not even a timestamp.

What the checkout lists in full (the schedule, the cards, the dates, the sponsors) replaces the
edition's: sessions, roles, dates and sponsors it no longer lists are removed. What organizers
write prose in (pages, announcements) is never removed, and people are never deleted.
"""

import re
from collections.abc import Callable

from esfomo.content.writer import Writer
from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person

from .options import Options
from .people_writer import write_people, write_roles, write_sponsors
from .photos import Photos
from .problems import ImportProblem, Notice, Where
from .schedule_writer import write_sessions
from .site import SiteDraft

ZONE_LABELS = {
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "HST": "Pacific/Honolulu", "UTC": "UTC", "GMT": "UTC", "BST": "Europe/London",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
}  # fmt: skip
GENERIC_ALT = {"", "banner", "logo", "image", "header", "img", "picture"}


def zone_for(label: str, offset: str) -> str | None:
    """An IANA zone for a schedule's "All times PT" or "All times CET, UTC+2"."""
    if label.upper() in ZONE_LABELS:
        return ZONE_LABELS[label.upper()]
    match = re.fullmatch(r"(?:UTC|GMT)([+-])(\d{1,2})", offset or label.upper())
    if match and int(match.group(2)) <= 14:
        # IANA's Etc zones count the other way round: UTC+2 is Etc/GMT-2.
        hours = int(match.group(2))
        return "UTC" if hours == 0 else f"Etc/GMT{'-' if match.group(1) == '+' else '+'}{hours}"
    return None


def name_from_submission(url: str) -> str:
    """A workshop's short name from its OpenReview group: ".../Workshop/ES-FoMo-III" -> "ES-FoMo III"."""
    match = re.search(r"/Workshop/([^/&?#]+)", url or "")
    return re.sub(r"-(?=(?:[IVXLC]+|\d+)$)", " ", match.group(1)) if match else ""


class SiteWriter:
    """Write a read site through the site's writer, finding what an earlier import (or the admin) made."""

    def __init__(
        self, site: SiteDraft, options: Options, writer: Writer, photos: Photos, step: Callable = lambda: None
    ):
        self.site = site
        self.options = options
        self.writer = writer
        self.report = writer.report
        self.photos = photos
        self.step = step
        self.persons: dict[str, Person] = {}
        self.edition: Edition | None = None

    def save(self, kind: str, label: str, instance, values: dict, where: Where | None, images=None, exclude=()):
        return self.writer.save(instance, values, images=images, kind=kind, label=label, where=where, exclude=exclude)

    def remove(self, kind: str, queryset, label=str):
        self.writer.remove(queryset, label=label, kind=kind)

    # --- The edition ------------------------------------------------------------------------

    def write(self) -> Edition:
        edition = self.write_edition()
        write_people(self)
        write_roles(self, edition)
        write_sponsors(self, edition)
        write_sessions(self, edition)
        self.write_dates(edition)
        self.write_pages(edition)
        self.write_announcement(edition)
        # Positions may swap between rows: their uniqueness holds once every row is written.
        self.writer.check_deferred_constraints()
        return edition

    def write_edition(self) -> Edition:
        site, home, options = self.site, self.site.homepage, self.options
        edition = Edition.objects.filter(year=site.year).first()
        if edition is None:
            edition = Edition(year=site.year, is_published=options.publish)
            edition.date = options.date or home.date
            if edition.date is None:
                raise ImportProblem(
                    f"the site does not give the workshop's date; pass --date {site.year}-MM-DD.", home.where
                )
            edition.time_zone = options.time_zone or self._zone_from_site()
            edition.name = options.name or name_from_submission(home.submission_url) or site.setting("title")[:60]
            edition.name = edition.name or f"Workshop {site.year}"
        values = {
            "title": site.setting("title")[:200],
            "subtitle": home.subtitle,
            "tagline": home.tagline,
            "conference": home.conference,
            "conference_url": home.conference_url,
            "city": home.city,
            "room": home.room,
            "summary": home.summary or site.setting("description"),
            "schedule_note": home.schedule_note,
            "speakers_intro": home.speakers_intro,
            "pitch": home.pitch,
            "contact_email": site.setting("email") or home.contact_email,
            "submission_url": home.submission_url,
            "time_zone_label": home.zone_label,
        }
        # What the site does not say is left as it is: an import never blanks a field.
        values = {field: value for field, value in values.items() if value}
        for field in ("date", "time_zone", "name"):
            if getattr(options, field):
                values[field] = getattr(options, field)
        if options.publish:
            values["is_published"] = True
        banner = self.photos.load(home.banner, "the edition")
        if banner:
            name = values.get("name") or edition.name
            alt = home.banner_alt if home.banner_alt.lower() not in GENERIC_ALT else ""
            # The theme's "Banner" says nothing to a screen reader: describe it by what it announces.
            described = ", ".join(filter(None, [values.get("title", edition.title), values.get("conference")]))
            values["banner_alt"] = (alt or f"{name.split()[0]} banner: {described}")[:200]
        if edition.pk is None:
            edition.acronym = Edition(name=values.get("name") or edition.name, year=site.year).default_acronym()
        label = f"{values.get('name') or edition.name} ({site.year})"
        self.save("edition", label, edition, values, home.where, images={"banner": banner})
        self.edition = edition
        self.step()
        return edition

    def _zone_from_site(self) -> str:
        home = self.site.homepage
        zone = zone_for(home.zone_label, home.zone_offset)
        if zone is None:
            raise ImportProblem(
                "the site does not say the workshop's time zone in a form the portal can use; pass "
                "--time-zone with an IANA name such as America/Vancouver.",
                home.where,
            )
        self.report.warn(
            Notice(
                f"the time zone {zone} was chosen from the schedule's “All times {home.zone_label}”; pass "
                "--time-zone to choose another (e.g. America/Vancouver).",
                home.where,
            )
        )
        return zone

    # --- Dates, pages, announcement ---------------------------------------------------------

    def write_dates(self, edition: Edition) -> None:
        kept = []
        for position, draft in enumerate(self.site.dates, start=1):
            date = ImportantDate.objects.filter(edition=edition, label=draft.label).first()
            date = date or ImportantDate(edition=edition, label=draft.label)
            values = {
                "date": draft.date,
                "time": draft.time,
                "zone": draft.zone,
                "extended_date": draft.extended_date,
                "extension_reason": draft.extension_reason,
                "announce": draft.announce,
                "position": position,
            }
            self.save("important date", draft.label, date, values, draft.where)
            kept.append(date.pk)
            self.step()
        self.remove("important date", edition.important_dates.exclude(pk__in=kept), lambda d: d.label)

    def write_pages(self, edition: Edition) -> None:
        ordered = sorted(self.site.pages, key=lambda page: (page.position, page.document.where.path))
        for position, draft in enumerate(ordered, start=1):
            page = Page.objects.filter(edition=edition, slug=draft.slug).first() or Page(
                edition=edition, slug=draft.slug
            )
            values = {
                "title": draft.title,
                "body": draft.body,
                "in_menu": draft.in_menu,
                "is_published": draft.is_published,
                "show_important_dates": draft.show_important_dates,
                "position": position,
            }
            self.save("page", f"/{draft.slug}/", page, values, draft.document.where)
            self.step()

    def write_announcement(self, edition: Edition) -> None:
        draft = self.site.homepage.announcement
        if draft is None:
            return
        news = edition.announcements.filter(kind=Announcement.Kind.NEWS)
        announcement = news.filter(title=draft.title).first() or news.filter(body=draft.body).first()
        announcement = announcement or Announcement(edition=edition, kind=Announcement.Kind.NEWS)
        values = {"title": draft.title, "body": draft.body}
        self.save("announcement", draft.title, announcement, values, draft.where)
