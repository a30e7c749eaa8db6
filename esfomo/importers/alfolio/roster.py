"""Gather cards into people and sponsors: one person per name, however many cards and categories.

Positions follow `importance` within each role (ties in file-name order, as Jekyll sorts); a card
whose category no homepage section shows (`none`, past editions) becomes a hidden role, kept for
the person's history but not shown. Names in the schedule are matched to the cards here, including
the forms a programme uses for a card's short name ("Zachary Charles" for "Zach Charles").
"""

from dataclasses import dataclass, field

from people.models import Role

from .cards import KIND_PRIORITY, CardDraft, ImageRef, kind_for_words, name_key, split_name, sponsor_tier
from .problems import Where


@dataclass
class RoleDraft:
    kind: str
    affiliation: str
    rank: tuple
    where: Where


@dataclass
class PersonDraft:
    key: str
    given_name: str
    family_name: str
    where: Where
    website: str = ""
    scholar_url: str = ""
    social_url: str = ""
    image: ImageRef | None = None
    roles: dict[str, RoleDraft] = field(default_factory=dict)
    cards: list[tuple[tuple, CardDraft]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass
class SponsorDraft:
    name: str
    url: str
    image: ImageRef | None
    tier: str
    rank: tuple
    where: Where


class Roster:
    def __init__(self, categories: dict[str, str] | None = None):
        self.categories = categories or {}
        self.people: dict[str, PersonDraft] = {}
        self.sponsors: list[SponsorDraft] = []

    def kinds(self, card: CardDraft) -> list[str]:
        """The role kinds (or "sponsor") a card stands for in this edition."""
        if not card.in_edition:
            return [Role.Kind.HIDDEN]
        kinds = []
        for category in card.categories:
            kind = self.categories.get(category) or kind_for_words(category) or Role.Kind.HIDDEN
            if kind not in kinds:
                kinds.append(kind)
        return kinds

    def add(self, card: CardDraft) -> None:
        rank = (card.importance, card.where.path, card.order)
        for kind in self.kinds(card):
            if kind == "sponsor":
                self.sponsors.append(
                    SponsorDraft(card.name, card.website, card.image, sponsor_tier(card), rank, card.where)
                )
                continue
            person = self.person(card.given_name, card.family_name, card.where)
            person.cards.append(((KIND_PRIORITY.index(kind), *rank), card))
            role = person.roles.get(kind)
            if role is None or rank < role.rank:
                person.roles[kind] = RoleDraft(
                    kind, card.affiliation or (role.affiliation if role else ""), rank, card.where
                )

    def add_schedule_role(self, name: str, kind: str, affiliation: str, where: Where, order: int) -> None:
        """A panelist or moderator named only in the schedule: a role after those the cards give."""
        person = self.find(name)
        if person is None:
            given, family = split_name(name)
            person = self.person(given, family, where)
        if kind not in person.roles:
            # Panels often name people without affiliations: their card's affiliation stands.
            known = next((role.affiliation for role in person.roles.values() if role.affiliation), "")
            person.roles[kind] = RoleDraft(kind, affiliation or known, (float("inf"), "~schedule", order), where)

    def person(self, given: str, family: str, where: Where) -> PersonDraft:
        key = name_key(f"{given} {family}")
        if key not in self.people:
            self.people[key] = PersonDraft(key=key, given_name=given, family_name=family, where=where)
        return self.people[key]

    def settle(self) -> None:
        """Links and photo come from the person's most visible card (a speaker's before a hidden one)."""
        for person in self.people.values():
            if not person.cards:
                continue
            ordered = [card for _, card in sorted(person.cards, key=lambda pair: pair[0])]
            best = ordered[0]
            person.given_name, person.family_name = best.given_name, best.family_name
            person.website = best.website or next((c.website for c in ordered if c.website), "")
            person.scholar_url = next((c.scholar_url for c in ordered if c.scholar_url), "")
            person.social_url = next((c.social_url for c in ordered if c.social_url), "")
            person.image = next((c.image for c in ordered if c.image), None)

    def find(self, name: str) -> PersonDraft | None:
        """The card person a programme's name means: the same name, or a short form of the given name."""
        key = name_key(name)
        if key in self.people:
            return self.people[key]
        words = key.split()
        if len(words) < 2:
            return None
        matches = []
        for person in self.people.values():
            their = person.key.split()
            if len(their) < 2 or their[-1] != words[-1]:
                continue
            given, other = " ".join(words[:-1]), " ".join(their[:-1])
            if min(len(given), len(other)) >= 2 and (given.startswith(other) or other.startswith(given)):
                matches.append(person)
        return matches[0] if len(matches) == 1 else None

    def is_known(self, name: str) -> bool:
        return self.find(name) is not None

    def positions(self) -> dict[str, list[PersonDraft]]:
        """People of each role kind in their order on the page."""
        by_kind: dict[str, list[PersonDraft]] = {}
        for person in self.people.values():
            for kind in person.roles:
                by_kind.setdefault(kind, []).append(person)
        return {kind: sorted(people, key=lambda p: p.roles[kind].rank) for kind, people in by_kind.items()}

    def ordered_sponsors(self) -> list[SponsorDraft]:
        unique: dict[str, SponsorDraft] = {}
        for sponsor in sorted(self.sponsors, key=lambda s: s.rank):
            unique.setdefault(name_key(sponsor.name), sponsor)
        return list(unique.values())
