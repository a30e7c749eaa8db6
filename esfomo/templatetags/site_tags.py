"""Template helpers for the public pages: clock times and dates the way the workshop writes them."""

import json
import re

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from esfomo.social_card import card_path

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


# Inside <script>, only these characters could end the block or start markup.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Write data as a JSON-LD block: a data block, not a script, so a strict CSP allows it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
    # Safe: JSON with <, > and & escaped cannot close the element or start markup (as Django's json_script).
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308  # nosec


@register.simple_tag(takes_context=True)
def social_card_url(context, edition):
    """The absolute address of the edition's share picture, changing with the picture itself."""
    request = context["request"]
    return f"{request.scheme}://{request.get_host()}{card_path(edition)}"
