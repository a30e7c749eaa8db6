"""Keep each edition's content version current: every change to what its pages show bumps it.

Page caches, ETags and exports key on `Edition.content_version`, so a change made anywhere
(admin, importer, history revert, shell) is visible on the next request in every process.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker


def editions_of(instance):
    """Return the editions whose pages show this object."""
    if isinstance(instance, Edition):
        # Every page lists the editions in its navigation.
        return Edition.objects.all()
    if isinstance(instance, Talk):
        return Edition.objects.filter(sessions__pk=instance.session_id)
    if isinstance(instance, TalkSpeaker):
        return Edition.objects.filter(sessions__talks__pk=instance.talk_id)
    if isinstance(instance, Person):
        return Edition.objects.filter(
            Q(roles__person=instance) | Q(sessions__talks__talk_speakers__person=instance)
        ).distinct()
    return Edition.objects.filter(pk=instance.edition_id)


def content_changed(sender, instance, **kwargs):
    Edition.objects.filter(pk__in=editions_of(instance).values("pk")).touch()


CONTENT_MODELS = (Edition, Page, ImportantDate, Announcement, Person, Role, Sponsor, Session, Talk, TalkSpeaker, Paper)


def connect():
    for model in CONTENT_MODELS:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-changed-save-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-changed-delete-{model.__name__}")
