"""A large synthetic edition, for benchmarks and query-budget checks: many people, sessions and papers.

Built the way an importer writes in bulk (few queries, no per-object signals), then marked
changed once with `Edition.objects.touch()` so caches follow. The same arguments always build
the same edition.
"""

import datetime
import random
import zoneinfo
from dataclasses import dataclass

from django.db import transaction

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker

from . import placeholders

GIVEN = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia", "Ken", "Leslie", "Tony")
FAMILY = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Perlman", "Thompson")
TOPICS = (
    "sparse attention", "quantized training", "speculative decoding", "KV-cache compression", "pipeline parallelism",
    "mixture of experts", "state-space models", "low-rank adapters", "kernel fusion", "long-context inference",
)  # fmt: skip
SESSION_KINDS = (Session.Kind.INVITED_TALK, Session.Kind.ORAL, Session.Kind.SPOTLIGHT, Session.Kind.BREAK,
                 Session.Kind.POSTER, Session.Kind.PANEL, Session.Kind.REMARKS)  # fmt: skip
# Four in ten speakers, four in ten organizers, one panelist and one moderator.
ROLE_KINDS = (Role.Kind.SPEAKER, Role.Kind.ORGANIZER) * 4 + (Role.Kind.PANELIST, Role.Kind.MODERATOR)


@dataclass
class Sizes:
    people: int
    sessions: int
    papers: int


@transaction.atomic
def synthesize(year: int, sizes: Sizes, replace: bool = False) -> Edition:
    """Create the synthetic edition `year`; with `replace`, delete an existing one of that year first."""
    existing = Edition.objects.filter(year=year).first()
    if existing is not None:
        if not replace:
            raise ValueError(f"An edition of {year} exists; pass --replace to rebuild it.")
        existing.delete()
    # Its people, including any left behind by an edition deleted in the admin.
    Person.objects.filter(slug__startswith=f"synthetic-{year}-").delete()
    # Made-up names and titles, not secrets.
    rng = random.Random(year)  # noqa: S311  # nosec B311
    edition = Edition.objects.create(
        year=year,
        name=f"Synthetic {year}",
        acronym=f"synthetic{year}",
        date=datetime.date(year, 7, 18),
        time_zone="America/Vancouver",
        time_zone_label="PT",
        conference=f"ICML {year}",
        city="Vancouver",
        venue="Vancouver Convention Center",
        contact_email="esfomo.workshop@example.org",
        is_published=True,
        summary="A **synthetic** edition for benchmarks: many people, sessions and papers.",
        pitch="\n\n".join(f"Paragraph {n} about *{topic}*." for n, topic in enumerate(TOPICS, 1)),
        speakers_intro="Synthetic speakers.",
    )
    Page.objects.create(edition=edition, slug="call", title="📝 call for papers", body="Submit **now**.",
                        show_important_dates=True)  # fmt: skip
    for position, label in enumerate(("Submission deadline", "Notification", "Camera-ready"), 1):
        ImportantDate.objects.create(edition=edition, label=label, date=datetime.date(year, 5, 20 + position),
                                     announce=True, position=position)  # fmt: skip
    Announcement.objects.create(edition=edition, title="Submissions are open", body="➡️ **Submissions are open!**")
    # One sponsor: encoding logos is the slowest part of building an edition.
    Sponsor.objects.create(edition=edition, name="Sponsor", logo_alt="Sponsor", position=1,
                           logo=placeholders.logo(f"sponsor-{year}", width=480, height=240))  # fmt: skip

    people = Person.objects.bulk_create(
        Person(given_name=rng.choice(GIVEN), family_name=f"{rng.choice(FAMILY)} {n}", slug=f"synthetic-{year}-{n}",
               website=f"https://example.org/{n}")
        for n in range(1, sizes.people + 1)
    )  # fmt: skip
    positions = {}
    roles = []
    for n, person in enumerate(people):
        kind = ROLE_KINDS[n % len(ROLE_KINDS)]
        positions[kind] = positions.get(kind, 0) + 1
        roles.append(Role(edition=edition, person=person, kind=kind, affiliation="Example University",
                          position=positions[kind]))  # fmt: skip
    Role.objects.bulk_create(roles)

    decisions = (Paper.Decision.ORAL, Paper.Decision.SPOTLIGHT, Paper.Decision.SPOTLIGHT) + (Paper.Decision.POSTER,) * 7
    papers = Paper.objects.bulk_create(
        Paper(edition=edition, title=f"Paper {n}: {rng.choice(TOPICS)} at scale", decision=decisions[n % 10],
              authors=", ".join(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(4)),
              abstract="We make foundation models faster.", openreview_id=f"syn{year}{n:05d}")
        for n in range(1, sizes.papers + 1)
    )  # fmt: skip
    presented = [paper for paper in papers if paper.decision != Paper.Decision.POSTER]

    zone = zoneinfo.ZoneInfo("America/Vancouver")
    start = datetime.datetime(year, 7, 18, 8, 0, tzinfo=zone)
    sessions = Session.objects.bulk_create(
        Session(edition=edition, kind=SESSION_KINDS[n % len(SESSION_KINDS)],
                title=f"{SESSION_KINDS[n % len(SESSION_KINDS)].label} {n + 1}",
                start=start + datetime.timedelta(minutes=10 * n), end=start + datetime.timedelta(minutes=10 * n + 10))
        for n in range(sizes.sessions)
    )  # fmt: skip
    talks, credits = [], []
    for session in sessions:
        if session.kind not in Session.TALK_LABELS and session.kind != Session.Kind.PANEL:
            continue
        for position in range(1 if session.kind == Session.Kind.INVITED_TALK else 2):
            paper = presented.pop() if presented and session.kind != Session.Kind.INVITED_TALK else None
            talks.append(Talk(session=session, title="" if paper else f"On {rng.choice(TOPICS)}", paper=paper,
                              position=position))  # fmt: skip
    Talk.objects.bulk_create(talks)
    for n, talk in enumerate(talks):
        credits.append(TalkSpeaker(talk=talk, person=people[n % len(people)], affiliation="Example University"))
    TalkSpeaker.objects.bulk_create(credits)
    Edition.objects.filter(pk=edition.pk).touch()
    return edition
