"""The “Organizers” group: everything needed to edit the site's content, nothing about accounts.

Members may add, change, delete and view editions, pages, important dates, announcements, people,
roles, sponsors, sessions, talks, speakers and papers (and so see and revert their history); they
get no permission on users, groups or permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Organizers"
CONTENT_MODELS = {
    "esfomo": ("edition", "page", "importantdate", "announcement"),
    "people": ("person", "role", "sponsor"),
    "program": ("session", "talk", "talkspeaker", "paper"),
}
ACTIONS = ("add", "change", "delete", "view")


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for models in CONTENT_MODELS.values() for model in models for action in ACTIONS]
    permissions = Permission.objects.filter(
        content_type__app_label__in=CONTENT_MODELS, codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("esfomo", "0001_initial"),
        ("people", "0001_initial"),
        ("program", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
