"""What an edition holds: the content models, in the order they are written, with their natural keys.

Everything that handles content as a whole reads this one list: the history (what is versioned and
what a revision includes), the change signals (which editions' pages a change touches), the
Organizers group's permissions, archives, cloning, the demo and the importers. A new content model
is added here, and nowhere else.

- `key`: the fields that identify an object on any site (a foreign key counts by its own key), so an
  archive or an import finds what is already there instead of duplicating it.
- `editions`: lookups from the model to the editions whose pages show an object.
- `follow`: what a revision of an object also holds (what its admin page edits with it).
- Images: the model's `IMAGE_SHAPES` (esfomo/common/images.py).

Models are named by label, so this module imports no app.
"""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

# The site's own bookkeeping of content (cache counters, calendar revisions): never rolled back by a
# revert, nor carried by an archive.
LIVE_FIELDS = frozenset({"content_version", "content_changed_at", "sequence"})


@dataclass(frozen=True)
class Content:
    label: str
    key: tuple[str, ...]
    editions: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()

    @property
    def model(self):
        return apps.get_model(self.label)


CONTENT = (
    Content("esfomo.Edition", key=("year",), follow=("important_dates", "pages", "announcements")),
    Content("esfomo.Page", key=("edition", "slug"), editions=("edition",)),
    Content("esfomo.ImportantDate", key=("uid",), editions=("edition",)),
    Content("esfomo.Announcement", key=("uid",), editions=("edition",)),
    Content(
        "people.Person",
        key=("slug",),
        editions=("roles__edition", "talk_credits__talk__session__edition"),
        follow=("roles",),
    ),
    Content("people.Role", key=("edition", "person", "kind"), editions=("edition",)),
    Content("people.Sponsor", key=("uid",), editions=("edition",)),
    Content("program.Paper", key=("uid",), editions=("edition",)),
    Content("program.Session", key=("uid",), editions=("edition",), follow=("talks",)),
    Content("program.Talk", key=("uid",), editions=("session__edition",), follow=("talk_speakers",)),
    Content("program.TalkSpeaker", key=("talk", "person"), editions=("talk__session__edition",)),
)


def models_in_order() -> list:
    return [content.model for content in CONTENT]


@functools.cache
def entry(model) -> Content:
    label = model._meta.concrete_model._meta.label
    return next(content for content in CONTENT if content.label == label)


def is_content(model) -> bool:
    return is_label(model._meta.concrete_model._meta.label)


def is_label(label: str) -> bool:
    return any(content.label.lower() == label.lower() for content in CONTENT)


def entry_for_label(label: str) -> Content:
    return next(content for content in CONTENT if content.label.lower() == label.lower())


def of_edition(model, edition) -> models.QuerySet:
    """The objects of a content model that an edition's pages show (the edition itself for Edition)."""
    lookups = entry(model).editions
    if not lookups:
        return model._default_manager.filter(pk=edition.pk)
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: edition})
    queryset = model._default_manager.filter(condition)
    return queryset.distinct() if len(lookups) > 1 else queryset


def edition_ids(obj) -> list[int] | None:
    """The editions whose pages show an object; None means all of them (an edition is in every page's menu)."""
    lookups = entry(type(obj)).editions
    if not lookups:
        return None
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    return sorted({pk for lookup in lookups for pk in rows.values_list(lookup, flat=True) if pk is not None})


def edition_id_of_unsaved(obj) -> int | None:
    """The edition an object not yet saved belongs to, through its foreign keys (None for people)."""
    lookups = entry(type(obj)).editions
    if len(lookups) != 1:
        return None
    *path, last = lookups[0].split("__")
    try:
        for name in path:
            obj = getattr(obj, name)
    except ObjectDoesNotExist:
        return None
    return getattr(obj, f"{last}_id")


# --- Natural keys ----------------------------------------------------------------------------


def natural_key(obj) -> tuple:
    """An object's key on any site: its key fields, a foreign key by the related object's own key."""
    values = []
    for name in entry(type(obj)).key:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.is_relation:
            values.extend(natural_key(value))
        else:
            values.append(str(value) if field.get_internal_type() == "UUIDField" else value)
    return tuple(values)


def key_filters(model, values) -> tuple[dict, tuple]:
    """The lookups that find an object by its natural key, and the values left over."""
    filters = {}
    for name in entry(model).key:
        field = model._meta.get_field(name)
        if field.is_relation:
            related, values = key_filters(field.related_model, values)
            filters.update({f"{name}__{lookup}": value for lookup, value in related.items()})
        else:
            filters[name], values = values[0], values[1:]
    return filters, values


class NaturalKeyModel:
    """Model mixin: the registry's natural key, as Django's serializers read it."""

    def natural_key(self):
        return natural_key(self)


class NaturalKeyQuerySet(models.QuerySet):
    def get_by_natural_key(self, *values):
        filters, rest = key_filters(self.model, values)
        if rest:
            raise self.model.DoesNotExist(f"Too many values for the key of {self.model._meta.label}.")
        return self.get(**filters)
