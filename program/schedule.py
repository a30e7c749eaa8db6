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
    for session in Session.objects.for_edition(edition).with_talks():
        date = timezone.localtime(session.start, edition.tzinfo).date()
        if not days or days[-1].date != date:
            days.append(Day(date, []))
        days[-1].sessions.append(session)
    return days
