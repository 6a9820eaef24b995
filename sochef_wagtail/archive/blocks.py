"""The tweet archive block: archived tweets shown in any StreamField, from our own rows."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from ..accounts import RelayAccount
from ..caching.tweets import cached_tweets_html
from .html import archive_html, templates_overridden, tweet_templates_overridden
from .timeline import Layout, Order, tweet_archive

# A bare id, or a permalink such as https://x.com/Skyddsombud/status/123 (twitter.com too).
TWEET_REFERENCE_RE = re.compile(
    r"^\s*(?:(?:https?://)?(?:www\.|mobile\.)?(?:x|twitter)\.com/\w+/status(?:es)?/)?(\d{1,25})"
    r"(?:[/?#]\S*)?\s*$",
    re.IGNORECASE,
)


def relay_account_choices():
    return [(str(account.pk), str(account)) for account in RelayAccount.objects.all()]


class TweetIdBlock(blocks.CharBlock):
    """A tweet's id, or its permalink pasted from X; stored as the id."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        match = TWEET_REFERENCE_RE.match(value)
        if match is None:
            raise ValidationError(
                _(
                    "Enter a tweet id (digits) or a link such as https://x.com/Skyddsombud/status/123."
                )
            )
        return match.group(1)


class TweetArchiveValue(blocks.StructValue):
    def selection(self, page=None):
        """What this block shows on ``page``: the keyword arguments of ``tweet_archive()``.

        A page may supply defaults with a ``tweet_archive_defaults()`` method returning
        ``(accounts, first_day, last_day)``; a guest week page gives its accounts and week.
        """
        default_accounts, first_day, last_day = None, None, None
        if hasattr(page, "tweet_archive_defaults"):
            default_accounts, first_day, last_day = page.tweet_archive_defaults()
        options = {
            "include_replies": self["include_replies"],
            "include_retweets": self["include_retweets"],
            "order": self["order"],
            "layout": self["layout"],
        }
        tweet_ids = [tweet_id for tweet_id in self["tweet_ids"] if tweet_id]
        if tweet_ids:
            return {"tweet_ids": tweet_ids, **options}
        if self["start_date"] or self["end_date"]:
            first_day, last_day = self["start_date"], self["end_date"]
        if first_day is None and last_day is None:
            # Neither a range nor a week to default to: not the whole archive by accident.
            return {"tweet_ids": [], **options}
        accounts = default_accounts
        if self["accounts"]:
            accounts = list(RelayAccount.objects.filter(pk__in=self["accounts"]))
        elif accounts is None:
            accounts = list(RelayAccount.objects.all())
        return {"accounts": accounts, "first_day": first_day, "last_day": last_day, **options}

    def archive(self, page=None, rows=False):
        """The tweets this block shows on ``page``, as a TweetArchive (``rows``: of TweetRows)."""
        return tweet_archive(**self.selection(page), rows=rows)


class TweetArchiveBlock(blocks.StructBlock):
    """Tweets from the site's archive, rendered locally: no script or request to X."""

    accounts = blocks.MultipleChoiceBlock(
        label=_("Relay accounts"),
        choices=relay_account_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "None chosen: the week's accounts on a guest week page, all accounts elsewhere."
        ),
    )
    start_date = blocks.DateBlock(
        label=_("From"),
        required=False,
        help_text=_("Empty on a guest week page: the page's week. Elsewhere give a date range."),
    )
    end_date = blocks.DateBlock(label=_("To (included)"), required=False)
    tweet_ids = blocks.ListBlock(
        TweetIdBlock(required=False, label=_("Tweet")),
        label=_("Or these tweets"),
        default=[],
        help_text=_(
            "Ids or links of archived tweets. When given, exactly these tweets are shown and "
            "the accounts, dates and reply and retweet options are ignored."
        ),
    )
    include_replies = blocks.BooleanBlock(
        label=_("Include replies to other accounts"), required=False, default=True
    )
    include_retweets = blocks.BooleanBlock(
        label=_("Include retweets"), required=False, default=False
    )
    order = blocks.ChoiceBlock(label=_("Order"), choices=Order.choices, default=Order.OLDEST_FIRST)
    layout = blocks.ChoiceBlock(label=_("Layout"), choices=Layout.choices, default=Layout.COLUMNS)

    class Meta:
        icon = "list-ul"
        label = _("Tweets from the archive")
        template = "sochef_wagtail/blocks/tweet_archive_block.html"
        value_class = TweetArchiveValue

    def clean(self, value):
        value = super().clean(value)
        start, end = value.get("start_date"), value.get("end_date")
        if start and end and end < start:
            raise StructBlockValidationError(
                block_errors={
                    "end_date": ValidationError(_("The end date is before the start date."))
                }
            )
        return value

    def render(self, value, context=None):
        """The block's HTML, from the cache when it shows days that are over."""
        parent = context or {}
        selection = value.selection(parent.get("page"))
        if "tweet_ids" in selection:
            return self.render_uncached(value, context)
        options = tuple(
            (name, selection[name])
            for name in ("include_replies", "include_retweets", "order", "layout")
        )
        return mark_safe(
            cached_tweets_html(
                parent.get("request"),
                selection["accounts"],
                selection["first_day"],
                selection["last_day"],
                (self.meta.template, parent.get("heading_level"), options),
                lambda: self.render_uncached(value, context),
            )
        )

    def render_uncached(self, value, context=None):
        """The block's template, or when neither it nor the tweet includes are overridden the
        same markup made in Python (archive/html.py)."""
        if templates_overridden(self.meta.template):
            return super().render(value, context)
        parent = context or {}
        archive = value.archive(parent.get("page"), rows=not tweet_templates_overridden())
        return archive_html(archive, parent.get("heading_level"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["archive"] = value.archive((parent_context or {}).get("page"))
        return context
