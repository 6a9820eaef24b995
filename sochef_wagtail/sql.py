"""Statements written out for the hottest reads of a cold page, with the ORM's own columns and
conversions: building and compiling a queryset costs more CPU than running it (a week page's
slots 2.3 CPU-ms through the ORM, a fifth of that written out)."""

from django.db import connections
from django.db.models.expressions import Col


def fields_of(model, names=None):
    """``model``'s concrete fields, or those of ``names`` ("pk" for the primary key)."""
    if names is None:
        return list(model._meta.concrete_fields)
    return [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in names]


def written_out_rows(model, joined, template, params, **parts):
    """The rows of ``template`` as the ORM would give their values: one tuple per alias each.

    ``joined`` lists (alias, model, field names or None for all) in the order of the rows'
    columns; ``template`` is SQL with ``{columns}`` for those columns (``alias.column``), the
    other placeholders filled from ``parts`` and ``%s`` for ``params``. ``model``'s manager
    names the database. Dates, JSON and booleans come converted as the ORM converts them
    (SQLite gives them as text and integers).
    """
    connection = connections[model.objects.db]
    quote = connection.ops.quote_name
    groups = [(alias, fields_of(each, names)) for alias, each, names in joined]
    columns = [Col(alias, field) for alias, fields in groups for field in fields]
    sql = template.format(
        columns=", ".join(f"{col.alias}.{quote(col.target.column)}" for col in columns), **parts
    )
    compiler = model.objects.none().query.get_compiler(connection=connection)
    converters = compiler.get_converters(columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = list(compiler.apply_converters(cursor.fetchall(), converters))
    split = []
    for row in rows:
        values, start = {}, 0
        for alias, fields in groups:
            values[alias], start = tuple(row[start : start + len(fields)]), start + len(fields)
        split.append(values)
    return split


def model_from(model, values):
    """A ``model`` instance of a row's ``values`` for all its concrete fields, as the ORM
    makes one from a query's row."""
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(model.objects.db, names, values)


def quoted(model, name=None):
    """``model``'s table, or the column of its field ``name``, quoted for its database."""
    quote = connections[model.objects.db].ops.quote_name
    return quote(model._meta.get_field(name).column if name else model._meta.db_table)
