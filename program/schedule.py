"""The schedule of an edition, read once and shared by the homepage and every export."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import Session


@dataclass
class Day:
    date: datetime.date
    sessions: list[Session]

    @property
    def start(self):
        return self.sessions[0].start

    @property
    def end(self):
        return max(session.end for session in self.sessions)


def schedule_for(edition) -> list[Day]:
    """Return the edition's sessions, with their talks and speakers, grouped by local day."""
    days: list[Day] = []
    for session in _prepared(Session.objects.for_edition(edition).with_talks(), edition):
        date = timezone.localtime(session.start, edition.tzinfo).date()
        if not days or days[-1].date != date:
            days.append(Day(date, []))
        days[-1].sessions.append(session)
    return days


def session_for(edition, uid) -> Session | None:
    """Return one session of the edition, read like `schedule_for` reads them all."""
    return next(iter(_prepared(Session.objects.for_edition(edition).filter(uid=uid).with_talks(), edition)), None)


def _prepared(sessions, edition):
    for session in sessions:
        # Pages and exports read the edition of every session: hand them the one already loaded.
        session.edition = edition
        timed = sorted((talk for talk in session.talk_list if talk.start), key=lambda talk: talk.start)
        for index, talk in enumerate(timed):
            following = timed[index + 1].start if index + 1 < len(timed) else session.end
            talk.end = max(following, talk.start)
        yield session
