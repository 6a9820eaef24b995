"""The tweets' own full-text index on PostgreSQL (see sochef_wagtail/search_postgres.py).

A stored generated column holds each tweet's search vector, so that PostgreSQL keeps it in step
with ``text`` whatever writes the row (the ORM, an import's executemany or COPY, an UPDATE by
hand), and a GIN index over it finds the words. Nothing on other databases: they search through
Wagtail's index. Adding the column rewrites the table (about a minute per million tweets).
"""

from django.db import migrations

TABLE = "sochef_wagtail_tweet"
CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, text)) STORED",
    f"CREATE INDEX sochef_tweet_search ON {TABLE} USING gin (search_vector)",
]
DROP = [f"ALTER TABLE {TABLE} DROP COLUMN search_vector"]  # its index with it


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("sochef_wagtail", "0011_tweet_fields"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
