"""A post's HTML, stored (archive/html.py). Adding a column that is not null makes SQLite's
schema editor remake the tweet table, which the relay account's platform trigger (0025) reads:
the trigger is dropped before and made again after, on SQLite."""

import importlib

from django.db import migrations, models

platform_stays = importlib.import_module(
    "sochef_wagtail.migrations.0025_relay_account_platform_stays"
)
ON_SQLITE = {"sqlite": platform_stays.DROP["sqlite"]}, {"sqlite": platform_stays.SQLITE}


class Migration(migrations.Migration):
    dependencies = [("sochef_wagtail", "0027_posts_of_every_platform_named_posts")]

    operations = [
        migrations.RunPython(platform_stays.run(ON_SQLITE[0]), platform_stays.run(ON_SQLITE[1])),
        migrations.AddField(
            model_name="tweet",
            name="html",
            field=models.TextField(
                blank=True, db_default="", default="", editable=False, verbose_name="HTML"
            ),
        ),
        migrations.AddField(
            model_name="tweet",
            name="html_key",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                max_length=32,
                verbose_name="HTML key",
            ),
        ),
        migrations.RunPython(platform_stays.run(ON_SQLITE[1]), platform_stays.run(ON_SQLITE[0])),
    ]
