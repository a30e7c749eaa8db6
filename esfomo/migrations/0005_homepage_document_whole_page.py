import django.utils.timezone
from django.db import migrations, models


def store_pages_uncompressed(apps, schema_editor):
    # The page is read at every homepage request: PostgreSQL hands it over without decompressing it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE esfomo_homepagedocument ALTER COLUMN page_html SET STORAGE EXTERNAL")


def forget_documents(apps, schema_editor):
    # Derived from the content and rebuilt by the next visit: nothing is lost.
    apps.get_model("esfomo", "HomepageDocument").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("esfomo", "0004_homepage_document"),
    ]

    operations = [
        migrations.RunPython(forget_documents, migrations.RunPython.noop),
        migrations.RemoveField(model_name="homepagedocument", name="frame"),
        migrations.RemoveField(model_name="homepagedocument", name="hero_html"),
        migrations.RemoveField(model_name="homepagedocument", name="announced_dates_html"),
        migrations.RemoveField(model_name="homepagedocument", name="content_html"),
        migrations.RemoveField(model_name="homepagedocument", name="structured_data"),
        migrations.AddField(
            model_name="homepagedocument",
            name="page_html",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="homepagedocument",
            name="digest",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="homepagedocument",
            name="modified_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="homepagedocument",
            name="shown_until",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(store_pages_uncompressed, migrations.RunPython.noop),
    ]
