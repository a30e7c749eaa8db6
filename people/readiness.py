"""Readiness checks of people and sponsors: what a visitor would miss on their cards and logos."""

from collections.abc import Iterable

from esfomo import readiness
from esfomo.readiness import Problem
from program.models import TalkSpeaker

from .models import Role, Sponsor


@readiness.register("People")
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


@readiness.register("Sponsors")
def sponsors_complete(edition) -> Iterable[Problem]:
    for sponsor in Sponsor.objects.for_edition(edition):
        if not sponsor.logo:
            yield Problem(f"{sponsor} has no logo; upload it again.", sponsor)
