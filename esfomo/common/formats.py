"""Clock times, dates and headings the way the workshop writes them (pages and exports)."""

import datetime
import functools
import json
import re
import zoneinfo

from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe


@functools.cache
def _zone(name):
    return zoneinfo.ZoneInfo(name)


def _local(value, zone):
    """Return an aware datetime in `zone` (a tzinfo or its name), or in the active zone when it is None."""
    if isinstance(zone, str):
        zone = _zone(zone)
    return timezone.localtime(value, zone)


def clock(value, zone=None):
    """Format an aware datetime as “8:30am”, in `zone` or the active zone."""
    if not value:
        return ""
    local = _local(value, zone)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def date(value, format_string, zone=None):
    """Format a date, or an aware datetime in `zone` (or the active zone), as Django's `date` filter."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = _local(value, zone)
    return dateformat.format(value, format_string)


def time(value, format_string):
    if value in (None, ""):
        return ""
    return dateformat.time_format(value, format_string)


_LEADING_SYMBOLS = re.compile(r"^([^\w\s]+)\s+(?=\w)")


def emoji_heading(value):
    """Hide a heading's leading emoji from screen readers: “📝 call for papers”."""
    match = _LEADING_SYMBOLS.match(value or "")
    if not match:
        return value
    return format_html('<span aria-hidden="true">{}</span> {}', match.group(1), value[match.end() :])


def without_leading_emoji(value):
    """Drop a leading emoji, for page titles and menus read aloud."""
    return _LEADING_SYMBOLS.sub("", value or "")


# Inside <script>, only these characters could end the block or start markup.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """Write data as a JSON-LD block: a data block, not a script, so a strict CSP allows it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
    # Safe: JSON with <, > and & escaped cannot close the element or start markup (as Django's json_script).
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308  # nosec
