"""Give every talk a permanent key, so a talk keeps its identity in attendee apps when it moves.

Three steps, as Django recommends for a unique field on a table that has rows: add it nullable,
give each existing talk its own random key, then make it unique and required.
"""

import uuid

from django.db import migrations, models


def give_each_talk_a_key(apps, schema_editor):
    Talk = apps.get_model("program", "Talk")
    for talk in Talk.objects.filter(uid__isnull=True).only("pk"):
        talk.uid = uuid.uuid4()
        talk.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="talk",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_talk_a_key, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="talk",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Identifies the talk in attendee apps, whatever its time or place in the session.",
                unique=True,
                verbose_name="permanent key",
            ),
        ),
    ]
