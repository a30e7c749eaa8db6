"""The Jinja2 environment of the public pages: Django's static files, addresses, date formats and the site's address.

The public pages are Jinja2 templates (`templates/`), the admin keeps Django's template language
(`admin_templates/`); bench/README.md gives the figure that decided it.
"""

import functools

import jinja2
from django.conf import settings
from django.template.defaultfilters import floatformat, linebreaksbr
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from esfomo.common.formats import clock, date, emoji_heading, json_ld, time, without_leading_emoji


@functools.lru_cache(maxsize=256)
def cached_static(path):
    """A static file's address: fixed for the life of a process (the manifest is read once)."""
    return static(path)


def environment(**options):
    # Whatever the settings say: every value is escaped unless marked safe.
    options.pop("autoescape", None)
    env = jinja2.Environment(autoescape=True, **options)
    env.globals.update(static=cached_static, url=url, site_url=lambda: settings.SITE_URL)
    env.filters.update(
        clock=clock,
        date=date,
        time=time,
        emoji_heading=emoji_heading,
        without_leading_emoji=without_leading_emoji,
        json_ld=json_ld,
        linebreaksbr=linebreaksbr,
        floatformat=floatformat,
    )
    return env


def url(name, *args):
    """An address by its name, as `{% url %}` (positional arguments)."""
    return _reverse(get_script_prefix(), name, args)


@functools.lru_cache(maxsize=1024)
def _reverse(prefix, name, args):
    # Keyed by the script prefix too, which reverse() reads from the current request.
    return reverse(name, args=args)
