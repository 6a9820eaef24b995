"""The tweet archive block: archived tweets shown in any StreamField, from our own rows."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from ..accounts import RelayAccount
from ..caching.tweets import cached_tweets_html
from ..choices import Platform
from ..platforms import POST_ID_MAX_LENGTH, post_id_of
from .html import archive_html, templates_overridden, tweet_templates_overridden
from .timeline import Layout, Order, tweet_archive


def relay_account_choices():
    return [(str(account.pk), str(account)) for account in RelayAccount.objects.all()]


class TweetIdBlock(blocks.CharBlock):
    """A post's id, or its address pasted from X, Bluesky or Mastodon; stored as the id its
    platform names it by (``platforms``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", POST_ID_MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        platform, post_id = post_id_of(value)
        if post_id is None:
            raise ValidationError(
                _(
                    "Enter a post's id or its address: on X e.g. "
                    "https://x.com/Skyddsombud/status/123, on Bluesky "
                    "https://bsky.app/profile/…/post/…, on Mastodon "
                    "https://mastodon.social/@skyddsombud/123."
                )
            )
        if platform == Platform.BLUESKY:
            return _with_did(post_id)
        return post_id


def _with_did(uri):
    """A bsky.app address names the account by its handle as often as by its DID: the handle
    of a relay account becomes its DID, which the post's id holds."""
    actor = uri.removeprefix("at://").partition("/")[0]
    if actor.startswith("did:"):
        return uri
    account = RelayAccount.objects.filter(platform=Platform.BLUESKY, handle__iexact=actor).first()
    if account is None or not account.platform_id:
        raise ValidationError(
            _(
                "@%(handle)s is no relay account whose DID is known: give the post's address "
                "with the account's DID (https://bsky.app/profile/did:plc:…/post/…)."
            ),
            params={"handle": actor},
        )
    return uri.replace(f"at://{actor}/", f"at://{account.platform_id}/", 1)


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
        TweetIdBlock(required=False, label=_("Post")),
        label=_("Or these posts"),
        default=[],
        help_text=_(
            "Ids or links of archived posts of X, Bluesky or Mastodon. When given, exactly "
            "these posts are shown and the accounts, dates and reply and repost options are "
            "ignored."
        ),
    )
    include_replies = blocks.BooleanBlock(
        label=_("Include replies to other accounts"), required=False, default=True
    )
    include_retweets = blocks.BooleanBlock(
        label=_("Include reposts (retweets, boosts)"), required=False, default=False
    )
    order = blocks.ChoiceBlock(label=_("Order"), choices=Order.choices, default=Order.OLDEST_FIRST)
    layout = blocks.ChoiceBlock(label=_("Layout"), choices=Layout.choices, default=Layout.COLUMNS)

    class Meta:
        icon = "list-ul"
        label = _("Posts from the archive")
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
