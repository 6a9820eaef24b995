"""The platform of a relay account with stored posts stays, whatever changes it: the admin's
form and ``RelayAccount.save()`` say so with a message; this trigger holds ``.update()``, raw SQL
and every other path to the same rule (the posts would be read as another platform's).

SQLite drops a table's triggers when Django remakes the table to alter it: a later migration
that alters RelayAccount must create the trigger again (tests/test_accounts_and_guests.py checks
that it is there after every migration).
"""

from django.db import migrations

TRIGGER = "sochef_relayaccount_platform_stays"
MESSAGE = "sochef_wagtail: the relay account has stored posts: its platform stays"
CONDITION = (
    "NEW.platform <> OLD.platform "
    "AND EXISTS (SELECT 1 FROM sochef_wagtail_tweet WHERE account_id = OLD.id)"
)

SQLITE = [
    f"""CREATE TRIGGER {TRIGGER} BEFORE UPDATE OF platform ON sochef_wagtail_relayaccount
FOR EACH ROW WHEN {CONDITION}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
]
POSTGRESQL = [
    f"""CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {CONDITION} THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$""",
    f"""CREATE TRIGGER {TRIGGER} BEFORE UPDATE OF platform ON sochef_wagtail_relayaccount
FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()""",
]
CREATE = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {TRIGGER}"],
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON sochef_wagtail_relayaccount",
        f"DROP FUNCTION IF EXISTS {TRIGGER}()",
    ],
}


def run(statements):
    def operation(apps, schema_editor):
        # Another database keeps to save() and the forms.
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("sochef_wagtail", "0024_own_accounts_on_any_platform")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
