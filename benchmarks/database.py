"""The benchmark's database, made afresh for each run and migrated."""

from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sochef_bench"


def recreate(url):
    """Drop and create the database named in ``url`` (PostgreSQL, or a SQLite file), then set
    Django up and migrate it."""
    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).unlink(missing_ok=True)
    else:
        _recreate_postgres(config)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def analyze():
    """Fresh statistics for the planner, as autovacuum gives a site's database soon after its
    data is written: without them PostgreSQL guessed one row per table and read a week's tweets
    through the wrong index (4.5 ms instead of 0.1), until autovacuum came by in mid-run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def maintenance_connection(config):
    """An autocommit connection to the server's ``postgres`` database, for creating or dropping
    the database of the Django database settings ``config``."""
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def create_postgres(config, maintenance):
    maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def _recreate_postgres(config):
    with maintenance_connection(config) as maintenance:
        name = sql.Identifier(config["NAME"])
        maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        create_postgres(config, maintenance)
