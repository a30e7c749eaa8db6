"""The Jinja2 environment of the public pages: Django's static files, addresses and date formats.

The public pages are Jinja2 templates (`templates/`) because they are rendered on every request the
page cache does not answer, and Jinja2 compiles a template to Python once where Django's
template language walks its nodes at each render. The admin keeps Django's
template language (`admin_templates/`).
"""

import functools

import jinja2
from django.template.defaultfilters import floatformat, linebreaksbr
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from esfomo.common.formats import clock, date, emoji_heading, json_ld, without_emoji


class Environment(jinja2.Environment):
    def getattr(self, obj, attribute):
        """Read `a.b` of a dict as its key first: the homepage renders from plain values (esfomo/homepage.py)."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@functools.lru_cache(maxsize=256)
def cached_static(path):
    """A static file's address: fixed for the life of a process (the manifest is read once)."""
    return static(path)


def environment(**options):
    # Whatever the settings say: every value is escaped unless marked safe.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(static=cached_static, url=url)
    env.filters.update(
        clock=clock,
        date=date,
        emoji_heading=emoji_heading,
        without_emoji=without_emoji,
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
