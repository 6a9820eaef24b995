"""The project as a whole: system checks, migrations, translations."""

from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import sochef_wagtail

LOCALE = Path(sochef_wagtail.__file__).parent / "locale"


@pytest.mark.django_db
def test_system_checks_pass_on_this_database():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "sochef_wagtail", check=True, dry_run=True, verbosity=0)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_catalogue_is_complete_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    if language == "sv":
        assert po.untranslated_entries() == [], "Swedish is the default: translate every msgid"
    assert po.fuzzy_entries() == []
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            entry.msgstr_plural,
        ), f"django.mo is older than django.po ({entry.msgid!r}): run compilemessages"
