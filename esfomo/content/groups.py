"""The “Organizers” group: every permission on the site's content (the registry's models), nothing about accounts.

Members may add, change, delete and view every content model, and so see and revert its history;
they get no permission on users, groups or permissions. Kept in step after every `migrate`, so a
model added to the registry is granted with it.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from esfomo.content import registry

GROUP = "Organizers"
ACTIONS = ("add", "change", "delete", "view")


def ensure_organizers_group(using="default", **kwargs):
    """post_migrate receiver: the group exists and holds exactly the content permissions."""
    content = [model for model in apps.get_models() if registry.is_content(model)]
    # Permissions are created by the same signal, app by app: make sure the content apps' exist now.
    for label in {model._meta.app_label for model in content}:
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    types = ContentType.objects.db_manager(using).get_for_models(*content, for_concrete_models=False).values()
    codenames = {f"{action}_{model._meta.model_name}" for model in content for action in ACTIONS}
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.using(using).filter(content_type__in=types, codename__in=codenames))
