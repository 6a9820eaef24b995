"""The project as a whole: system checks, migrations, translations."""

import shutil
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


def catalogue(root, language):
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def test_english_catalogue_translates_every_msgid_not_written_in_english():
    # The code is written in English: an empty msgstr in the English catalogue means the msgid
    # itself (gettext's rule), so English needs a translation only for a msgid in Swedish.
    untranslated = catalogue(LOCALE, "en").untranslated_entries()
    swedish = [entry.msgid for entry in untranslated if set(entry.msgid) & set("åäöÅÄÖ")]
    assert swedish == [], "give these Swedish msgids an English msgstr"


def test_committed_catalogues_have_every_msgid_of_the_code(tmp_path, monkeypatch):
    assert shutil.which("xgettext"), "makemessages needs GNU gettext: apt-get install gettext"
    app = Path(sochef_wagtail.__file__).parent
    copy = tmp_path / "sochef_wagtail"
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["sv", "en"], no_obsolete=True, verbosity=0)
    for language in ("sv", "en"):
        extracted, committed = (
            {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue(root, language)}
            for root in (copy / "locale", LOCALE)
        )
        missing = extracted - committed
        assert missing == set(), (
            f"the {language} catalogue lacks msgids of the code: run makemessages "
            "(docs/contributors/development.md) and translate them"
        )
