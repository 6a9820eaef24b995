"""Demo content: the seed's two relay accounts, fictional guests and their weeks, the
landing page (the entry point, at /sochef/, with the guest index below it), the seed's press
list and the project settings of the default site. The content is in data.py, the code that
creates each kind of it in builders.py.

Idempotent: anything that already exists (by handle, name or slug) is left as it is.
Other apps add their own demo content with the ``sochef_demo`` hook: a function taking
``(site_root, log)`` registered with ``@hooks.register("sochef_demo")``.
"""

from django.db import transaction
from wagtail import hooks
from wagtail.models import Site

from . import builders


def load_demo(log=print):
    """Create the demo content under the default site's root page; returns what was created."""
    with transaction.atomic():
        accounts, new_accounts = builders.create_accounts()
        guests, new_guests = builders.create_guests()
        site = Site.objects.get(is_default_site=True)
        site_root = site.root_page
        landing, new_landing = builders.create_landing_page(site_root)
        index, new_index = builders.create_guest_index(site_root, landing)
        (nominate_page, evaluation_page), new_form_pages = builders.add_form_pages(site_root)
        if new_landing:
            builders.publish_landing_page(landing, index, nominate_page, evaluation_page)
        new_press = builders.create_press_mentions()
        builders.fill_project_settings(site)
        new_weeks = builders.create_weeks(index, accounts, guests)
        new_tweets = builders.create_tweets(accounts)
        for extend_demo in hooks.get_hooks("sochef_demo"):
            extend_demo(site_root, log)
    created = {
        "accounts": new_accounts,
        "guests": new_guests,
        "pages": new_landing + new_index + new_form_pages + new_weeks,
        "tweets": new_tweets,
        "press": new_press,
    }
    log(
        "Demo content: {accounts} accounts, {guests} guests, {pages} pages, {tweets} tweets and "
        "{press} press mentions created.".format(**created)
    )
    return created
