"""Write the day: sessions under permanent uids, their talks in order, the speakers credited, the papers."""

import datetime
import uuid
import zoneinfo

from django.utils import timezone

from esfomo.content.writer import CREATED, UNCHANGED, UPDATED, Writer, differences
from program.models import Paper, Session, Talk, TalkSpeaker

from .people_writer import person_for

# Sessions' permanent uids are uuid5(namespace, "<year>/<key>"): stable across re-imports.
SESSION_NAMESPACE = uuid.UUID("4b0f8c1e-7d0a-5c55-9a3e-2f6d8e1b7c90")


def session_uid(year: int, key: str) -> uuid.UUID:
    return uuid.uuid5(SESSION_NAMESPACE, f"{year}/{key}")


def write_sessions(writer, edition) -> None:
    zone = zoneinfo.ZoneInfo(edition.time_zone)
    last_length = datetime.timedelta(minutes=writer.options.last_session_minutes)

    def at(day, time):
        return datetime.datetime.combine(day or edition.date, time, tzinfo=zone) if time else None

    kept = []
    for draft in writer.site.sessions:
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
        writer.save("session", f"{draft.title}, {draft.start:%H:%M}", session, values, draft.where)
        kept.append(session.pk)
        _write_talks(writer, edition, session, draft, at)
        writer.step()
    writer.remove(
        "session",
        Session.objects.filter(edition=edition).exclude(pk__in=kept),
        lambda s: f"{s.title}, {timezone.localtime(s.start, zone):%H:%M}",
    )


def _write_talks(writer, edition, session: Session, draft, at) -> None:
    existing = list(session.talks.order_by("position", "pk"))
    for position, talk_draft in enumerate(draft.talks, start=1):
        talk = existing[position - 1] if position <= len(existing) else Talk(session=session)
        values = {
            "position": position,
            "title": talk_draft.title,
            "start": at(draft.day, talk_draft.start),
            "paper": _paper_for(writer, edition, talk_draft),
        }
        label = talk_draft.title or talk_draft.paper_title or draft.title
        created = talk.pk is None
        changed = differences(talk, values)
        if changed or created:
            for field in changed:
                setattr(talk, field, values[field])
            Writer.validate(talk, "talk", label, talk_draft.where)
            talk.save()
        if _write_credits(writer, talk, talk_draft):
            changed.append("speakers")
        # A talk's speakers are part of it: a change of credits counts as a change of the talk.
        writer.report.record("talk", label, CREATED if created else (UPDATED if changed else UNCHANGED), changed)
        writer.writer.note(talk)
    writer.remove("talk", Talk.objects.filter(pk__in=[talk.pk for talk in existing[len(draft.talks) :]]),
                  lambda talk: talk.title or draft.title)  # fmt: skip


def _write_credits(writer, talk: Talk, talk_draft) -> bool:
    """Credit the talk's speakers in order; return whether anything changed."""
    changed, kept = False, []
    for order, credit in enumerate(talk_draft.credits, start=1):
        person, credited_name = person_for(writer, credit.name, talk_draft.where)
        if person.pk in kept:
            continue
        speaker = TalkSpeaker.objects.filter(talk=talk, person=person).first() or TalkSpeaker(talk=talk, person=person)
        values = {"position": order, "credited_name": credited_name, "affiliation": credit.affiliation}
        if speaker.pk is None or differences(speaker, values):
            for field, value in values.items():
                setattr(speaker, field, value)
            Writer.validate(speaker, "speaker", credit.name, talk_draft.where)
            speaker.save()
            changed = True
        writer.writer.note(speaker)
        kept.append(person.pk)
    stale = TalkSpeaker.objects.filter(talk=talk).exclude(person_id__in=kept)
    if stale.exists():
        stale.delete()
        changed = True
    return changed


def _paper_for(writer, edition, talk_draft) -> Paper | None:
    if not talk_draft.paper_title:
        return None
    paper = Paper.objects.filter(edition=edition, title=talk_draft.paper_title).first()
    paper = paper or Paper(edition=edition, title=talk_draft.paper_title)
    values = {"decision": talk_draft.paper_decision}
    if talk_draft.paper_url:
        values["url"] = talk_draft.paper_url
    return writer.save("paper", talk_draft.paper_title, paper, values, talk_draft.where)
