"""What the person running an import decides where the site is silent."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    year: int | None = None
    # The workshop day and the venue's IANA zone: al-folio sites rarely state them in a usable form.
    date: datetime.date | None = None
    time_zone: str = ""
    # The edition's short name ("ES-FoMo III"); by default taken from the OpenReview group, else the title.
    name: str = ""
    # The schedule gives each session's start; the last one ends this long after its start.
    last_session_minutes: int = 30
    # A new edition is created unpublished, for organizers to review, unless asked otherwise.
    publish: bool = False
    dry_run: bool = False
