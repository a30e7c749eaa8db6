"""Keep each edition's content counter current: every save or delete of what its pages show bumps it.

The page cache and the exports' validators follow the counters (esfomo/serving/pagecache.py), so a
change made anywhere (admin, importer, history revert, shell) shows on the next request.
"""

from django.db.models.signals import post_delete, post_save, pre_delete

from esfomo.content import registry
from esfomo.models import Edition


def _touch(ids):
    editions = Edition.objects.all() if ids is None else Edition.objects.filter(pk__in=ids)
    editions.touch()


def saved(sender, instance, raw=False, **kwargs):
    _touch(registry.edition_ids(instance))


def deleting(sender, instance, **kwargs):
    # Once the row is gone, nothing says which editions showed it.
    instance._shown_in_editions = registry.edition_ids(instance)


def deleted(sender, instance, **kwargs):
    _touch(getattr(instance, "_shown_in_editions", None))


def connect():
    for model in registry.models_in_order():
        name = model.__name__
        post_save.connect(saved, sender=model, dispatch_uid=f"content-saved-{name}")
        pre_delete.connect(deleting, sender=model, dispatch_uid=f"content-deleting-{name}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"content-deleted-{name}")
