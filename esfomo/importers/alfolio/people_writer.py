"""Write the roster: people (found by slug or name, never deleted), their roles, and the sponsors."""

from django.utils.text import slugify

from people.models import Person, Role, Sponsor

from .cards import name_key, split_name
from .problems import Notice, Where


def find_person(given: str, family: str) -> Person | None:
    name = f"{given} {family}".strip()
    return (
        Person.objects.filter(slug=slugify(name)[:100]).first()
        or Person.objects.filter(given_name__iexact=given, family_name__iexact=family).first()
    )


def write_people(writer) -> None:
    for draft in writer.site.roster.people.values():
        person = find_person(draft.given_name, draft.family_name) or Person()
        values = {"given_name": draft.given_name, "family_name": draft.family_name}
        for field in ("website", "scholar_url", "social_url"):
            if getattr(draft, field):
                values[field] = getattr(draft, field)
        photo = writer.photos.load(draft.image, draft.name) if draft.image else None
        # The slug is made from the name when a new person is saved.
        writer.save("person", draft.name, person, values, draft.where, images={"photo": photo}, exclude=("slug",))
        writer.persons[draft.key] = person
        writer.step()


def person_for(writer, name: str, where: Where) -> tuple[Person, str]:
    """The person a schedule credits, and the name as credited when it differs from theirs."""
    draft = writer.site.roster.find(name)
    if draft is not None:
        person = writer.persons[draft.key]
        return person, ("" if name_key(name) == draft.key else name)
    key = name_key(name)
    if key not in writer.persons:
        given, family = split_name(name)
        person = find_person(given, family) or Person()
        writer.save("person", name, person, {"given_name": given, "family_name": family}, where, exclude=("slug",))
        writer.persons[key] = person
    return writer.persons[key], ""


def write_roles(writer, edition) -> None:
    kept = []
    for kind, people in writer.site.roster.positions().items():
        for position, draft in enumerate(people, start=1):
            role_draft = draft.roles[kind]
            person = writer.persons.get(draft.key) or person_for(writer, draft.name, role_draft.where)[0]
            role = Role.objects.filter(edition=edition, person=person, kind=kind).first()
            role = role or Role(edition=edition, person=person, kind=kind)
            values = {"affiliation": role_draft.affiliation[:200], "position": position}
            writer.save("role", f"{draft.name}, {kind}", role, values, role_draft.where, exclude=("position",))
            kept.append(role.pk)
    writer.remove(
        "role",
        Role.objects.filter(edition=edition).exclude(pk__in=kept).select_related("person"),
        lambda role: f"{role.person.name}, {role.kind}",
    )


def write_sponsors(writer, edition) -> None:
    kept = []
    for position, draft in enumerate(writer.site.roster.ordered_sponsors(), start=1):
        sponsor = Sponsor.objects.filter(edition=edition, name=draft.name).first() or Sponsor(edition=edition)
        values = {"name": draft.name[:120], "url": draft.url, "tier": draft.tier, "logo_alt": draft.name[:200]}
        values["position"] = position
        logo = writer.photos.load(draft.image, f"the sponsor {draft.name}") if draft.image else None
        if not sponsor.logo and not logo:
            writer.report.warn(Notice(f"the sponsor {draft.name} has no logo yet; add one in the admin.", draft.where))
        exclude = ("position",) if sponsor.logo or logo else ("position", "logo")
        writer.save("sponsor", draft.name, sponsor, values, draft.where, images={"logo": logo}, exclude=exclude)
        kept.append(sponsor.pk)
        writer.step()
    writer.remove("sponsor", Sponsor.objects.filter(edition=edition).exclude(pk__in=kept), lambda s: s.name)
