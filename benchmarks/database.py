"""The benchmark's PostgreSQL database, made afresh for each run and migrated."""

import dj_database_url
import psycopg
from psycopg import sql


def recreate(url):
    """Drop and create the database named in ``url``, then set Django up and migrate it."""
    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as maintenance:
        name = sql.Identifier(config["NAME"])
        maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(name))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
