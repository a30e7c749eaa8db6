"""Write a read site into the models, updating in place what an earlier import (or the admin) made.

Objects are found by natural keys: the edition by year, people by slug or name, roles by person
and kind, sessions by a uid derived from the edition's year and the session's key (its title, and
its speaker for an invited talk), talks by their place in the session, pages by address, dates by
label, papers by title. An object is saved only when a value differs, so a second run of the same
checkout changes nothing, not even a timestamp.

What the checkout lists in full (the schedule, the cards, the dates, the sponsors) replaces the
edition's: sessions, roles, dates and sponsors it no longer lists are removed. What organizers
write prose in (pages, announcements) is never removed, and people are never deleted.
"""

import datetime
import re
import uuid
import zoneinfo
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.text import slugify

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker

from .cards import name_key, split_name
from .options import Options
from .photos import Photos
from .problems import ImportProblem, Notice, Where
from .report import CREATED, REMOVED, UNCHANGED, UPDATED, Report
from .site import SiteDraft

# Sessions' permanent uids are uuid5(namespace, "<year>/<key>"): stable across re-imports.
SESSION_NAMESPACE = uuid.UUID("4b0f8c1e-7d0a-5c55-9a3e-2f6d8e1b7c90")
ZONE_LABELS = {
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "HST": "Pacific/Honolulu", "UTC": "UTC", "GMT": "UTC", "BST": "Europe/London",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
}  # fmt: skip
GENERIC_ALT = {"", "banner", "logo", "image", "header", "img", "picture"}


def session_uid(year: int, key: str) -> uuid.UUID:
    return uuid.uuid5(SESSION_NAMESPACE, f"{year}/{key}")


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


def _same(instance, field: str, value) -> bool:
    if isinstance(value, models.Model):
        return getattr(instance, f"{field}_id") == value.pk
    return getattr(instance, field) == value


class Writer:
    def __init__(
        self, site: SiteDraft, options: Options, report: Report, photos: Photos, step: Callable = lambda: None
    ):
        self.site = site
        self.options = options
        self.report = report
        self.photos = photos
        self.step = step
        self.persons: dict[str, Person] = {}
        self.edition: Edition | None = None

    # --- Saving -----------------------------------------------------------------------------

    def save(self, kind: str, label: str, instance, values: dict, where: Where | None, also_changed=(), exclude=()):
        """Set the values that differ, validate, save; record what happened.

        `also_changed` names fields changed outside `values` (a new photo), which also call for a save.
        """
        created = instance.pk is None
        changed = [field for field, value in values.items() if not _same(instance, field, value)]
        if not created and not changed and not also_changed:
            self.report.record(kind, label, UNCHANGED)
            return instance
        for field in changed:
            setattr(instance, field, values[field])
        self.validate(instance, kind, label, where, exclude)
        instance.save()
        self.report.record(kind, label, CREATED if created else UPDATED, [*changed, *also_changed])
        return instance

    def validate(self, instance, kind, label, where, exclude=()):
        """Field and constraint checks, as a form would run them, reported at the source line.

        Positions of roles and sponsors are left out (by the callers, and Model.clean() here): a
        reordering import passes their unique constraint only once all rows are written, which is
        why the database defers it; `write` checks it then.
        """
        try:
            instance.clean_fields(exclude=list(exclude))
            instance.validate_unique(exclude=list(exclude))
            instance.validate_constraints(exclude=list(exclude))
        except ValidationError as error:
            messages = []
            for field, field_messages in error.message_dict.items():
                name = instance._meta.get_field(field).verbose_name if field != "__all__" else ""
                messages += [f"{name}: {message}" if name else message for message in field_messages]
            raise ImportProblem(f"{kind} “{label[:80]}” cannot be saved: {' '.join(messages)}", where) from None

    def remove(self, kind: str, queryset, label=str):
        for instance in queryset:
            self.report.record(kind, label(instance), REMOVED)
        queryset.delete()

    # --- The edition ------------------------------------------------------------------------

    def write(self) -> Edition:
        edition = self.write_edition()
        self.write_people()
        self.write_roles(edition)
        self.write_sponsors(edition)
        self.write_sessions(edition)
        self.write_dates(edition)
        self.write_pages(edition)
        self.write_announcement(edition)
        if connection.features.supports_deferrable_unique_constraints:
            # Check the deferred constraints (positions, foreign keys) now, inside the import, not
            # at commit; then defer them again, as they were, for the rest of the transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
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
        new_banner = self.photos.stage(edition, "banner", banner)
        if edition.pk is None:
            edition.acronym = Edition(name=values.get("name") or edition.name, year=site.year).default_acronym()
        label = f"{values.get('name') or edition.name} ({site.year})"
        self.save("edition", label, edition, values, home.where, ("banner",) if new_banner else ())
        if new_banner and not self.options.dry_run:
            self.photos.saved(edition, "banner")
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

    # --- People -----------------------------------------------------------------------------

    @staticmethod
    def find_person(given: str, family: str) -> Person | None:
        name = f"{given} {family}".strip()
        return (
            Person.objects.filter(slug=slugify(name)[:100]).first()
            or Person.objects.filter(given_name__iexact=given, family_name__iexact=family).first()
        )

    def write_people(self) -> None:
        for draft in self.site.roster.people.values():
            person = self.find_person(draft.given_name, draft.family_name) or Person()
            values = {"given_name": draft.given_name, "family_name": draft.family_name}
            for field in ("website", "scholar_url", "social_url"):
                if getattr(draft, field):
                    values[field] = getattr(draft, field)
            photo = self.photos.load(draft.image, draft.name) if draft.image else None
            new_photo = self.photos.stage(person, "photo", photo)
            self.save("person", draft.name, person, values, draft.where, ("photo",) if new_photo else (), ("slug",))
            if new_photo and not self.options.dry_run:
                self.photos.saved(person, "photo")
            self.persons[draft.key] = person
            self.step()

    def person_for(self, name: str, where: Where) -> tuple[Person, str]:
        """The person a schedule credits, and the name as credited when it differs from theirs."""
        draft = self.site.roster.find(name)
        if draft is not None:
            person = self.persons[draft.key]
            return person, ("" if name_key(name) == draft.key else name)
        key = name_key(name)
        if key not in self.persons:
            given, family = split_name(name)
            person = self.find_person(given, family) or Person()
            self.save("person", name, person, {"given_name": given, "family_name": family}, where, exclude=("slug",))
            self.persons[key] = person
        return self.persons[key], ""

    def write_roles(self, edition: Edition) -> None:
        kept = []
        for kind, people in self.site.roster.positions().items():
            for position, draft in enumerate(people, start=1):
                role_draft = draft.roles[kind]
                person = self.persons.get(draft.key) or self.person_for(draft.name, role_draft.where)[0]
                role = Role.objects.filter(edition=edition, person=person, kind=kind).first()
                role = role or Role(edition=edition, person=person, kind=kind)
                values = {"affiliation": role_draft.affiliation[:200], "position": position}
                self.save("role", f"{draft.name}, {kind}", role, values, role_draft.where, exclude=("position",))
                kept.append(role.pk)
        self.remove(
            "role",
            Role.objects.filter(edition=edition).exclude(pk__in=kept).select_related("person"),
            lambda role: f"{role.person.name}, {role.kind}",
        )

    def write_sponsors(self, edition: Edition) -> None:
        kept = []
        for position, draft in enumerate(self.site.roster.ordered_sponsors(), start=1):
            sponsor = Sponsor.objects.filter(edition=edition, name=draft.name).first() or Sponsor(edition=edition)
            values = {"name": draft.name[:120], "url": draft.url, "tier": draft.tier, "logo_alt": draft.name[:200],
                      "position": position}  # fmt: skip
            logo = self.photos.load(draft.image, f"the sponsor {draft.name}") if draft.image else None
            new_logo = self.photos.stage(sponsor, "logo", logo)
            if not sponsor.logo and not new_logo:
                self.report.warn(
                    Notice(f"the sponsor {draft.name} has no logo yet; add one in the admin.", draft.where)
                )
            # In a dry run the logo is checked but not assigned: do not ask the field for it.
            exclude = ("position",) if sponsor.logo else ("position", "logo")
            self.save("sponsor", draft.name, sponsor, values, draft.where, ("logo",) if new_logo else (), exclude)
            if new_logo and not self.options.dry_run:
                self.photos.saved(sponsor, "logo")
            kept.append(sponsor.pk)
            self.step()
        self.remove("sponsor", Sponsor.objects.filter(edition=edition).exclude(pk__in=kept), lambda s: s.name)

    # --- The day ----------------------------------------------------------------------------

    def write_sessions(self, edition: Edition) -> None:
        zone = zoneinfo.ZoneInfo(edition.time_zone)
        last_length = datetime.timedelta(minutes=self.options.last_session_minutes)

        def at(day, time):
            return datetime.datetime.combine(day or edition.date, time, tzinfo=zone) if time else None

        kept = []
        for draft in self.site.sessions:
            uid = session_uid(edition.year, draft.key)
            session = Session.objects.filter(uid=uid).first() or Session(uid=uid, edition=edition)
            start = at(draft.day, draft.start)
            values = {
                "edition": edition,
                "kind": draft.kind,
                "title": draft.title,
                "start": start,
                "end": at(draft.day, draft.end) or start + last_length,
                "room": draft.room,
                "description": draft.description,
            }
            label = f"{draft.title}, {draft.start:%H:%M}"
            self.save("session", label, session, values, draft.where)
            kept.append(session.pk)
            self.write_talks(edition, session, draft, at)
            self.step()
        self.remove(
            "session",
            Session.objects.filter(edition=edition).exclude(pk__in=kept),
            lambda s: f"{s.title}, {timezone.localtime(s.start, zone):%H:%M}",
        )

    def write_talks(self, edition, session: Session, draft, at) -> None:
        existing = list(session.talks.order_by("position", "pk"))
        for position, talk_draft in enumerate(draft.talks, start=1):
            talk = existing[position - 1] if position <= len(existing) else Talk(session=session)
            values = {
                "position": position,
                "title": talk_draft.title,
                "start": at(draft.day, talk_draft.start),
                "paper": self.paper_for(edition, talk_draft),
            }
            label = talk_draft.title or talk_draft.paper_title or draft.title
            created = talk.pk is None
            changed = [field for field, value in values.items() if not _same(talk, field, value)]
            if changed or created:
                for field in changed:
                    setattr(talk, field, values[field])
                self.validate(talk, "talk", label, talk_draft.where)
                talk.save()
            if self.write_credits(talk, talk_draft):
                changed.append("speakers")
            # A talk's speakers are part of it: a change of credits counts as a change of the talk.
            self.report.record("talk", label, CREATED if created else (UPDATED if changed else UNCHANGED), changed)
        for talk in existing[len(draft.talks) :]:
            self.report.record("talk", talk.title or draft.title, REMOVED)
            talk.delete()

    def write_credits(self, talk: Talk, talk_draft) -> bool:
        """Credit the talk's speakers in order; return whether anything changed."""
        changed, kept = False, []
        for order, credit in enumerate(talk_draft.credits, start=1):
            person, credited_name = self.person_for(credit.name, talk_draft.where)
            if person.pk in kept:
                continue
            speaker = TalkSpeaker.objects.filter(talk=talk, person=person).first() or TalkSpeaker(
                talk=talk, person=person
            )
            values = {"position": order, "credited_name": credited_name, "affiliation": credit.affiliation}
            if speaker.pk is None or any(not _same(speaker, field, value) for field, value in values.items()):
                for field, value in values.items():
                    setattr(speaker, field, value)
                self.validate(speaker, "speaker", credit.name, talk_draft.where)
                speaker.save()
                changed = True
            kept.append(person.pk)
        stale = TalkSpeaker.objects.filter(talk=talk).exclude(person_id__in=kept)
        if stale.exists():
            stale.delete()
            changed = True
        return changed

    def paper_for(self, edition: Edition, talk_draft) -> Paper | None:
        if not talk_draft.paper_title:
            return None
        paper = Paper.objects.filter(edition=edition, title=talk_draft.paper_title).first()
        paper = paper or Paper(edition=edition, title=talk_draft.paper_title)
        values = {"decision": talk_draft.paper_decision}
        if talk_draft.paper_url:
            values["url"] = talk_draft.paper_url
        return self.save("paper", talk_draft.paper_title, paper, values, talk_draft.where)

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
