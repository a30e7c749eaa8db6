"""Template helpers for the public pages: clock times and dates the way the workshop writes them."""

import re

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def clock(value):
    """Format an aware datetime in the active zone as “8:30am”."""
    if not value:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


_LEADING_SYMBOLS = re.compile(r"^([^\w\s]+)\s+(?=\w)")


@register.filter
def emoji_heading(value):
    """Hide a heading's leading emoji from screen readers: “📝 call for papers”."""
    match = _LEADING_SYMBOLS.match(value or "")
    if not match:
        return value
    return format_html('<span aria-hidden="true">{}</span> {}', match.group(1), value[match.end() :])


@register.filter
def without_emoji(value):
    """Drop a leading emoji, for page titles and menus read aloud."""
    return _LEADING_SYMBOLS.sub("", value or "")
