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

logger = logging.getLogger(__name__)


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


def local_time(edition, moment) -> str:
    """A moment as organizers read it: the edition's clock, e.g. 16:30."""
    return timezone.localtime(moment, edition.tzinfo).strftime("%H:%M")


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
