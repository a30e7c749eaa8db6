"""Before publishing: what a visitor would trip over in an edition, each item linking to the object to fix.

A check is a function `check(edition)` that yields `Problem`s, registered under a heading:

    from esfomo import readiness

    @readiness.register("Schedule exports")
    def exports_validate(edition):
        for error in ...:
            yield readiness.Problem(f"The iCalendar export is invalid: {error}", obj=edition)

Each installed app may keep its checks in a `readiness.py` module; they are imported at start-up,
as `admin.py` modules are. The checks below read a fixed number of queries, whatever the size of
the edition.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from people.models import Role, Sponsor
from program.models import Session, TalkSpeaker

logger = logging.getLogger(__name__)

# Session kinds that have someone on stage: a session of these kinds without a speaker is unfinished.
KINDS_WITH_SPEAKERS = (Session.Kind.INVITED_TALK, Session.Kind.ORAL, Session.Kind.SPOTLIGHT, Session.Kind.PANEL)


@dataclass(frozen=True)
class Problem:
    """One thing to fix: a sentence, and the object to open (or an explicit link)."""

    message: str
    obj: models.Model | None = None
    url: str = ""

    @property
    def link(self) -> str:
        if self.url or self.obj is None:
            return self.url
        opts = self.obj._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.obj.pk])
        except NoReverseMatch:
            return ""


@dataclass
class Section:
    heading: str
    problems: list[Problem] = field(default_factory=list)


CHECKS: dict[str, list[Callable]] = {}


def register(heading: str):
    """Decorator: add a check under a heading of the readiness page."""

    def decorator(check):
        CHECKS.setdefault(heading, []).append(check)
        return check

    return decorator


def discover():
    autodiscover_modules("readiness")


def run(edition) -> list[Section]:
    """Run every registered check on an edition; a check that crashes is itself reported."""
    sections = []
    for heading, checks in CHECKS.items():
        section = Section(heading)
        for check in checks:
            try:
                section.problems.extend(check(edition))
            except Exception as error:  # A broken check must not hide the others' findings.
                logger.exception("Readiness check %s failed", check.__name__)
                section.problems.append(Problem(f"The check “{check.__name__}” could not run: {error}"))
        sections.append(section)
    return sections


def _local(edition, moment):
    return timezone.localtime(moment, edition.tzinfo).strftime("%H:%M")


@register("People")
def people_complete(edition) -> Iterable[Problem]:
    roles = list(Role.objects.for_edition(edition).shown().with_people().order_by("kind", "position"))
    credits = TalkSpeaker.objects.filter(talk__session__edition=edition).select_related("person")
    people = {role.person.pk: role.person for role in roles}
    for credit in credits:
        people.setdefault(credit.person.pk, credit.person)
    for person in sorted(people.values(), key=lambda p: (p.family_name, p.given_name)):
        if not person.photo:
            yield Problem(f"{person} has no photo; the card shows their initials.", person)
        elif not person.photo_alt.strip():
            yield Problem(
                f"{person}'s photo has no description; screen readers only hear “{person.portrait_alt}”.", person
            )
    for role in roles:
        if not role.affiliation.strip():
            yield Problem(f"{role.person} ({role.get_kind_display().lower()}) has no affiliation on their card.", role)


@register("Sessions")
def sessions_consistent(edition) -> Iterable[Problem]:
    sessions = list(Session.objects.for_edition(edition).with_talks())
    by_room = {}
    for session in sessions:
        by_room.setdefault(session.room or edition.room, []).append(session)
    for room_sessions in by_room.values():
        latest = None  # the session that ends last among those seen so far
        for session in room_sessions:
            if latest is not None and session.start < latest.end:
                yield Problem(
                    f"“{session.title}” ({_local(edition, session.start)}–{_local(edition, session.end)}) overlaps "
                    f"“{latest.title}” ({_local(edition, latest.start)}–{_local(edition, latest.end)}).",
                    session,
                )
            if latest is None or session.end > latest.end:
                latest = session
    for session in sessions:
        if session.kind not in KINDS_WITH_SPEAKERS:
            continue
        when = f"“{session.title}” at {_local(edition, session.start)}"
        if not session.talk_list:
            yield Problem(f"{when} has no talk or speaker yet.", session)
            continue
        for talk in session.talk_list:
            if not talk.credits:
                title = f"“{talk.display_title}”" if talk.display_title else "A talk"
                yield Problem(f"{title} in {when} has no speaker.", talk)


@register("Important dates")
def deadlines_current(edition) -> Iterable[Problem]:
    now = timezone.now()
    for important_date in edition.important_dates.announced():
        if important_date.has_passed(now):
            yield Problem(
                f"“{important_date.label}” ({important_date.effective_date:%d %B %Y}) has passed but is still "
                "announced on the homepage; untick “in the homepage announcement”.",
                edition,
            )


@register("Sponsors")
def sponsors_complete(edition) -> Iterable[Problem]:
    for sponsor in Sponsor.objects.for_edition(edition):
        if not sponsor.logo:
            yield Problem(f"{sponsor} has no logo; upload it again.", sponsor)
