"""Who took part in which edition: shown roles and talks given, across every published edition.

Read in two queries however many people and editions there are; the people index and the
person pages both use it.
"""

from dataclasses import dataclass, field

from program.models import TalkSpeaker

from .models import Role

# Roles that already say the person spoke; otherwise a talk adds “Speaker”.
SPEAKING_ROLES = {Role.Kind.SPEAKER, Role.Kind.PANELIST, Role.Kind.MODERATOR}


@dataclass
class Appearance:
    edition: object
    roles: list = field(default_factory=list)
    credits: list = field(default_factory=list)

    @property
    def labels(self):
        labels = [role.get_kind_display() for role in self.roles]
        if self.credits and not {role.kind for role in self.roles} & SPEAKING_ROLES:
            labels.append("Speaker")
        return labels

    @property
    def affiliation(self):
        return next((role.affiliation for role in self.roles if role.affiliation), "") or next(
            (credit.affiliation for credit in self.credits if credit.affiliation), ""
        )


@dataclass
class Participant:
    person: object
    appearances: list


def participants(person=None) -> list[Participant]:
    """Everyone the public site shows (or one person), with their editions, newest first."""
    roles = Role.objects.shown().filter(edition__is_published=True).select_related("person", "edition")
    credits = TalkSpeaker.objects.filter(talk__session__edition__is_published=True).select_related(
        "person", "talk__paper", "talk__session__edition"
    )
    if person is not None:
        roles, credits = roles.filter(person=person), credits.filter(person=person)
    by_person = {}

    def appearance(someone, edition):
        editions = by_person.setdefault(someone.pk, (someone, {}))[1]
        return editions.setdefault(edition.pk, Appearance(edition))

    for role in roles.order_by("kind", "position"):
        appearance(role.person, role.edition).roles.append(role)
    for credit in credits.order_by("talk__session__start", "talk__start", "position"):
        appearance(credit.person, credit.talk.session.edition).credits.append(credit)
    result = [
        Participant(someone, sorted(editions.values(), key=lambda item: -item.edition.year))
        for someone, editions in by_person.values()
    ]
    return sorted(result, key=lambda item: (item.person.family_name.casefold(), item.person.given_name.casefold()))
