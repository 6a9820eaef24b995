"""Plain helper functions that build test data."""

import datetime

from django.conf import settings
from wagtail.models import Locale, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.choices import Role, Sector, Side
from sochef_wagtail.guests import Guest
from sochef_wagtail.weeks import GuestWeekIndexPage, GuestWeekPage, current_week_start


def make_account(handle="Skyddsombud", side=Side.WORKER, **fields):
    return RelayAccount.objects.create(
        handle=handle, display_name=fields.pop("display_name", handle), side=side, **fields
    )


def make_accounts():
    """The seed's two relay accounts: (employer, worker)."""
    return (
        make_account("ArbetsmiljoChef", Side.EMPLOYER),
        make_account("Skyddsombud", Side.WORKER),
    )


def make_guest(name="Anna Lindqvist", role=Role.MANAGER, sector=Sector.PUBLIC, **fields):
    return Guest.objects.create(name=name, role=role, sector=sector, **fields)


def site_root():
    """The default site's root page, made again when a transactional test flushed it."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site:
        return site.root_page
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    tree_root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", locale=locale)
    )
    home = tree_root.add_child(instance=Page(title="Hem", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def make_index(title="Vilka har twittrat och vad", slug="sochef"):
    return site_root().add_child(instance=GuestWeekIndexPage(title=title, slug=slug))


def make_week(index, monday, slots, title=None, live=True):
    """A week below `index`; `slots` is a list of (account, guest)."""
    page = GuestWeekPage(
        title=title or f"Vecka {monday.isocalendar().week} {monday.year}",
        slug=f"vecka-{monday.isoformat()}",
        week_start=monday,
        live=live,
    )
    for account, guest in slots:
        page.slots.add(page.slots.model(account=account, guest=guest))
    index.add_child(instance=page)
    return page


def monday(weeks_from_now=0):
    return current_week_start() + datetime.timedelta(weeks=weeks_from_now)


def make_weeks(index, accounts, count, start=datetime.date(2012, 9, 3)):
    """`count` consecutive past weeks with a pair of new guests each."""
    employer, worker = accounts
    weeks = []
    for n in range(count):
        week_start = start + datetime.timedelta(weeks=n)
        weeks.append(
            make_week(
                index,
                week_start,
                [
                    (employer, make_guest(f"Chef {n}", Role.MANAGER)),
                    (worker, make_guest(f"Skyddsombud {n}", Role.SAFETY_REP)),
                ],
            )
        )
    return weeks


def week_form(title, week_start, slots, action=None):
    """POST data of the admin's guest week form; `slots` is a list of (account, guest)."""
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "week_start": week_start,
            "intro": rich_text("<p>Veckans gäster.</p>"),
            "body": streamfield([]),
            "slots": inline_formset(
                [{"account": account.pk, "guest": guest.pk} for account, guest in slots], min=1
            ),
        }
    )
    if action:
        data[action] = "1"
    return data


# -- Nominations and public forms ---------------------------------------------------------------


def make_nomination_page(parent=None, title="Föreslå en gäst", slug="foresla", **fields):
    from sochef_wagtail.nominations.pages import NominationPage

    page = NominationPage(
        title=title,
        slug=slug,
        intro=fields.pop("intro", "<p>Vem vill du läsa en vecka?</p>"),
        thank_you_text=fields.pop("thank_you_text", "<p>Tack för ditt förslag!</p>"),
        closed_text=fields.pop("closed_text", "<p>Inga fler förslag.</p>"),
        **fields,
    )
    return (parent or site_root()).add_child(instance=page)


def started_token(seconds_ago=60):
    """The time-trap field of a form shown `seconds_ago` seconds ago."""
    import time

    from sochef_wagtail.public_forms import time_trap_token

    return time_trap_token(time.time() - seconds_ago)


def nomination_post(**overrides):
    """POST data of a valid public nomination form."""
    data = {
        "nominee_name": "Maja Berg",
        "nominee_handle": "@majaberg",
        "side": "worker",
        "role": "safety_rep",
        "role_other": "",
        "organisation": "Kommunal, Hemtjänsten Syd",
        "why": "Hon driver frågan om ensamarbete i hemtjänsten.",
        "nominee_contact": "maja@example.com",
        "nominator_name": "Per Holm",
        "nominator_email": "per@example.com",
        "consent": "on",
        "website": "",
        "started": started_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_nomination(page=None, **fields):
    from sochef_wagtail.nominations.models import Nomination

    values = {
        "nominee_name": "Maja Berg",
        "side": "worker",
        "role": "safety_rep",
        "why": "Hon driver frågan om ensamarbete.",
        "nominator_name": "Per Holm",
        "nominator_email": "per@example.com",
    }
    values.update(fields)
    return Nomination.objects.create(page=page, **values)


def make_user(username="redaktor", permissions=(), superuser=False):
    """A user who can log in to the Wagtail admin, with the given "app_label.codename" perms."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = User.objects.create_user(username, f"{username}@example.com", "pw")
    for perm in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def set_project(site=None, **fields):
    """Update the site's ProjectSettings (status, status_message, notify_emails, ...)."""
    from sochef_wagtail.project import ProjectSettings

    settings_ = ProjectSettings.for_site(site or Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(settings_, name, value)
    settings_.save()
    return settings_


def make_evaluation_page(parent=None, title="Utvärdering", slug="utvardering", **fields):
    from sochef_wagtail.evaluation.pages import EvaluationPage

    page = EvaluationPage(
        title=title,
        slug=slug,
        intro=fields.pop("intro", "<p>Hjälp oss utvärdera SOchef.</p>"),
        thank_you_text=fields.pop("thank_you_text", "<p>Tack för dina svar!</p>"),
        **fields,
    )
    return (parent or site_root()).add_child(instance=page)


def evaluation_post(**overrides):
    """POST data of a valid evaluation form."""
    data = {
        "respondent": "follower",
        "side": "worker",
        "usefulness": "4",
        "what_worked": "Att båda sidor svarade på samma fråga.",
        "what_to_change": "Fler chefer.",
        "website": "",
        "started": started_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_evaluation_response(page=None, **fields):
    from sochef_wagtail.evaluation.models import EvaluationResponse

    values = {"respondent": "follower", "side": "worker", "usefulness": 4}
    values.update(fields)
    return EvaluationResponse.objects.create(page=page, **values)
