"""Give every sponsor a permanent key, so archives and imports find it on any site.

Three steps, as Django recommends for a unique field on a table that has rows: add it nullable,
give each existing row its own random key, then make it unique and required.
"""

import uuid

from django.db import migrations, models

MODELS = ('sponsor',)


def give_each_a_key(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("people", name)
        for row in model.objects.filter(uid__isnull=True).only("pk"):
            row.uid = uuid.uuid4()
            row.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="uid", field=models.UUIDField(editable=False, null=True))
            for name in MODELS
        ),
        migrations.RunPython(give_each_a_key, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(
                model_name=name,
                name="uid",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="permanent key"),
            )
            for name in MODELS
        ),
    ]
