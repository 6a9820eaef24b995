from django.db import migrations, models
from django.utils.text import slugify


def give_slugs(apps, schema_editor):
    """Each existing guest a slug from the name, numbered when two share one (as Guest.save)."""
    Guest = apps.get_model("sochef_wagtail", "Guest")
    taken = set()
    for guest in Guest.objects.order_by("pk"):
        base = slugify(guest.name)[:70].strip("-") or "guest"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        Guest.objects.filter(pk=guest.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("sochef_wagtail", "0014_guest_pipeline"),
    ]

    operations = [
        migrations.AddField(
            model_name="guest",
            name="slug",
            # No index yet: the unique one comes with the slugs (on PostgreSQL, a SlugField's
            # index and then a unique one would both make the same "_like" index).
            field=models.SlugField(
                blank=True, db_index=False, default="", max_length=80, verbose_name="slug"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(give_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="guest",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text=(
                    "The guest's address on the site, made from the name when left empty. "
                    "Changing it breaks links to the guest's page."
                ),
                max_length=80,
                unique=True,
                verbose_name="slug",
            ),
        ),
    ]
