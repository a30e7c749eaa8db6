"""The content's history (django-reversion): what is versioned, snapshots before deletes, safe reverts.

Every admin save of a content object records a revision (who, when, what); an edition's revision
also holds its important dates, pages and announcements, a session's its talks, a talk's its
speakers, a person's their roles, so reverting one restores what was edited on the same page.
Before anything is deleted from the admin, it and everything deleted with it are recorded in
one revision, so "Recover deleted …" brings all of it back.
"""

import contextlib
import contextvars

import reversion
from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.db.models.signals import pre_save
from django.dispatch import receiver
from reversion.models import Version

from esfomo.common import images
from esfomo.content import registry

# Set while a revision is being reverted from the admin (see `reverting`).
_reverting = contextvars.ContextVar("esfomo-reverting", default=False)


def register_models():
    """Register the registry's content models with reversion (idempotent; admins call it before their first use)."""
    for content in registry.CONTENT:
        model = content.model
        if not reversion.is_registered(model):
            live = [field.name for field in model._meta.concrete_fields if field.name in registry.LIVE_FIELDS]
            reversion.register(model, follow=content.follow, exclude=live)


@contextlib.contextmanager
def reverting():
    """Mark the block as a revert, so raw saves of image fields keep to files that still exist."""
    token = _reverting.set(True)
    try:
        yield
    finally:
        _reverting.reset(token)


def last_editor(obj):
    """Return the user who saved the latest recorded version of an object, or None."""
    version = Version.objects.get_for_object(obj).select_related("revision__user").first()
    return version.revision.user if version else None


def deleted_with(objs) -> list:
    """Return the objects and every versioned object that a delete of them would take along."""
    objs = list(objs)
    if not objs:
        return []
    # The admin's collector: it loads every object (no fast deletes) and lists protected ones instead of
    # failing, since a confirmed delete of a speaker removes their talk credits first.
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    found = [obj for instances in collector.model_objs.values() for obj in instances]
    found.extend(collector.protected)
    return [obj for obj in found if reversion.is_registered(type(obj))]


def record_before_delete(objs, user=None):
    """Record each object (and what goes with it) in a revision of its own, before they are deleted.

    One revision per object, so recovering one item of a bulk delete brings back that item only.
    Run in a fresh context: inside the admin's changelist a revision is already open, and reversion
    only saves versions of objects that still exist when the outermost revision closes.
    """

    def snapshot(obj):
        with reversion.create_revision():
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
            reversion.set_comment(f"Deleted “{obj}”; recover it from the list of deleted items.")
            for kept in deleted_with([obj]):
                reversion.add_to_revision(kept)

    for obj in objs:
        contextvars.Context().run(snapshot, obj)


@receiver(pre_save, dispatch_uid="history-keep-live-counters")
def keep_live_state_on_raw_save(sender, instance, raw, **kwargs):
    """On a revert (a raw save), keep what history must not roll back.

    - An edition's content version only ever grows: caches and ETags key on it.
    - An image whose old file was removed when it was replaced stays the current image (or none),
      never a name without a file; an image that a revert drops loses its files.
    """
    if not raw:
        return
    live_fields = [
        field.attname for field in type(instance)._meta.concrete_fields if field.name in registry.LIVE_FIELDS
    ]
    if live_fields:
        live = type(instance)._base_manager.filter(pk=instance.pk).values(*live_fields).first()
        for name, value in (live or {}).items():
            setattr(instance, name, value)
    if isinstance(instance, images.StoredImages) and _reverting.get():
        _keep_existing_images(instance)


def _keep_existing_images(instance):
    model = type(instance)
    fields = list(instance.IMAGE_SHAPES)
    size_fields = []
    for name in fields:
        field = model._meta.get_field(name)
        size_fields += [f for f in (field.width_field, field.height_field) if f]
    current = model._base_manager.filter(pk=instance.pk).values(*fields, *size_fields).first() or {}
    for name in fields:
        field = model._meta.get_field(name)
        wanted = getattr(instance, name).name or ""
        live = current.get(name) or ""
        if wanted and not field.storage.exists(wanted):
            # The old file is gone: keep the live image and its size.
            setattr(instance, name, live)
            for size_field in (field.width_field, field.height_field):
                if size_field:
                    setattr(instance, size_field, current.get(size_field))
            wanted = live
        if live and wanted != live:
            instance.remove_image_files_on_commit(name, live)
