"""Demo content in two modes.

- The history (the default): the experiment as it was, September 2012 to October 2014 — the
  seed's two relay accounts with their follower counts, fictional guests with drawn portraits,
  40 weeks (15 pairs by April 2013, then often one account staffed) with a few hundred tweets,
  nominations, evaluation answers, and the project closed in October 2014.
- The running relay (``running=True``): the same guests on weeks dated around today — three
  past, the current one and four to come — on accounts of each side on Bluesky and Mastodon,
  the weeks taking turns between them, with the project active, to show the guest pipeline.

Shared by both: the landing page (the entry point, at /sochef/, with the guest index below
it), the form pages, the seed's press list, the project settings of the default site and the
guests. The content is in data.py, planned week by week in timeline.py, drawn in drawings.py
and created by builders.py.

Idempotent: anything that already exists (by handle, name, slug or tweet id) is left as it is;
only what the other mode made (its weeks, tweets and nominations) is removed, so switching
modes works both ways. Other apps add their own demo content with the ``sochef_demo`` hook: a
function taking ``(site_root, log)`` registered with ``@hooks.register("sochef_demo")``.
"""

from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Site

from ..dates import current_week_start, local_date
from . import builders, timeline


def load_demo(log=print, running=False):
    """Create the demo content under the default site's root page; returns what was created
    and removed."""
    with transaction.atomic():
        accounts, new_accounts = builders.create_accounts(running)
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
        status = builders.set_project_status(site, running)

        history = timeline.history()
        if running:
            today = local_date(timezone.now())
            plan = timeline.running(current_week_start(), timezone.now())
            nominations = timeline.running_nominations(plan.weeks, today)
        else:
            plan = history
            nominations = timeline.history_nominations(plan.weeks)
        removed = {
            "weeks": builders.remove_weeks(index, plan.weeks),
            "tweets": builders.remove_tweets(
                accounts,
                builders.planned_ids(accounts, plan.tweets),
                [t.tweet_id for t in history.tweets],
            ),
            "nominations": builders.remove_nominations(
                {(n["nominee_name"], n["created"]) for n in nominations}
            ),
        }
        new_weeks = builders.create_weeks(index, accounts, guests, plan.weeks)
        new_tweets = builders.create_tweets(accounts, plan.tweets)
        new_nominations = builders.create_nominations(nominate_page, nominations, guests, index)
        new_answers = builders.create_answers(evaluation_page)
        for extend_demo in hooks.get_hooks("sochef_demo"):
            extend_demo(site_root, log)
    created = {
        "accounts": new_accounts,
        "guests": new_guests,
        "pages": new_landing + new_index + new_form_pages + new_weeks,
        "tweets": new_tweets,
        "press": new_press,
        "nominations": new_nominations,
        "answers": new_answers,
    }
    mode = "the running relay" if running else "the 2012–14 history"
    log(
        f"Demo content ({mode}): "
        "{accounts} accounts, {guests} guests, {pages} pages, {tweets} tweets, {press} press "
        "mentions, {nominations} nominations and {answers} evaluation answers created.".format(
            **created
        )
    )
    if any(removed.values()):
        log(
            "Removed what the other mode (or an earlier running relay) made: {weeks} weeks, "
            "{tweets} tweets and {nominations} nominations.".format(**removed)
        )
    if status:
        log(f"Project status set to {status}.")
    return {**created, "removed": removed}
