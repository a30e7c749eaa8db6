"""Times of day as schedule tables write them: "8:30am", "10:00 AM", "noon", "1pm", "14:30", "9:00-9:30am"."""

import datetime
import re
from dataclasses import dataclass

_CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$", re.IGNORECASE
)
_WORDS = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
_RANGE = re.compile(r"\s*(?:-|–|—|to|until)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Clock:
    time: datetime.time
    # "9:30" without am/pm could be morning or evening; the table's order decides.
    ambiguous: bool = False

    def afternoon(self) -> "Clock":
        return Clock(datetime.time(self.time.hour + 12, self.time.minute), False)


def parse_clock(text: str) -> Clock:
    """Return the time a cell names; raise ValueError when it names none."""
    cleaned = text.strip().lower()
    if cleaned in _WORDS:
        return Clock(datetime.time(*_WORDS[cleaned]))
    match = _CLOCK.match(cleaned)
    if not match:
        raise ValueError(text)
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    half = match.group("half")
    if minute > 59:
        raise ValueError(text)
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        return Clock(datetime.time(hour % 12 + (12 if half == "p" else 0), minute))
    if hour > 23:
        raise ValueError(text)
    # A leading zero ("09:00") or an hour past noon is plainly a 24-hour clock.
    return Clock(datetime.time(hour, minute), ambiguous=1 <= hour <= 11 and not match.group("hour").startswith("0"))


def parse_time_cell(text: str) -> tuple[Clock | None, Clock | None]:
    """Return the start and (for a range like "9:00-9:30am") the end a time cell gives."""
    cleaned = text.strip()
    if not cleaned:
        return None, None
    parts = _RANGE.split(cleaned, maxsplit=1)
    start = parse_clock(parts[0])
    end = parse_clock(parts[1]) if len(parts) > 1 else None
    if end is not None and start.ambiguous and not end.ambiguous and end.time.hour >= 12:
        # "1:00-2:30pm": the start shares the end's afternoon when that keeps it before the end.
        later = start.afternoon()
        if later.time < end.time:
            start = later
    return start, end


def format_clock(time: datetime.time) -> str:
    hour = time.hour % 12 or 12
    return f"{hour}:{time.minute:02d}{'am' if time.hour < 12 else 'pm'}"
