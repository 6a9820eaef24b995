"""Tweets as HTML made in Python: the markup of the ``tweet_archive.html``, ``tweet_thread.html``
and ``tweet.html`` includes, without the template engine's cost per tweet.

A cold week page shows fifty tweets; through the includes, resolving their variables, tags and
translations cost several plain Wagtail pages. :func:`archive_html` and :func:`tweet_html`
write the same markup (``tests/test_tweet_html.py`` compares them with the templates) with the
translations, month names and each account's parts looked up once per list, the text escaped
by ``rendering.tweet_text_html`` as before and every other value from outside by
``html.escape``, as Django's autoescaping does.

Even so, writing fifty tweets cost a cold page more than a plain page: each tweet's markup is
made once, when it is stored (:func:`stored_html`, kept in ``Tweet.html``), and a page only
puts in what changes between showings (:func:`filled_html`): the words of the reader's
language, the context and side shown at the head of a thread or dialogue, the media.

The templates stay the reference and the way to change the markup: when a host site overrides
any of the three (a template of that name found before the app's own), the templates are
rendered instead, as before.
"""

import functools
import hashlib
import re
from html import escape
from pathlib import Path

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ..dates import app_time_zone
from ..languages import lang_attribute
from .rendering import tweet_text_html

ARCHIVE_TEMPLATE = "sochef_wagtail/includes/tweet_archive.html"
THREAD_TEMPLATE = "sochef_wagtail/includes/tweet_thread.html"
TWEET_TEMPLATE = "sochef_wagtail/includes/tweet.html"
OWN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def is_own_template(name):
    """Whether ``name`` is found as the app's own template, not one a host site overrides."""
    try:
        origin = getattr(get_template(name), "origin", None)
    except TemplateDoesNotExist:
        return False
    return _is_own_file(getattr(origin, "name", None))


@functools.lru_cache(maxsize=64)
def _is_own_file(path):
    return isinstance(path, str) and Path(path).resolve().is_relative_to(OWN_TEMPLATES)


def templates_overridden(*names):
    return not all(is_own_template(name) for name in names)


def tweet_templates_overridden():
    """Whether a host overrides one of the three tweet includes: they are rendered then, with
    Tweets (``tweet_archive(rows=False)``), which a host's template may read anything of."""
    return templates_overridden(ARCHIVE_TEMPLATE, THREAD_TEMPLATE, TWEET_TEMPLATE)


class Strings:
    """What the templates translate, in the active language, looked up once per list."""

    def __init__(self):
        self.in_reply_to = escape(gettext("In reply to"))
        self.media_missing = escape(gettext("Media not archived"))
        self.no_description = escape(gettext("Image without a description"))
        self.edited = escape(gettext("Edited"))
        # {% blocktrans %}: the translation as it is, the value inserted escaped.
        self.via = gettext("via %(client)s")
        self.dialogue = escape(gettext("Dialogue between the accounts"))
        self.replies = escape(gettext("Replies"))
        self.only_dialogues = escape(gettext("Only in the dialogues below."))
        self.answer_each_other = escape(gettext("The sides answer each other"))
        self.no_archived = escape(gettext("No archived tweets to show."))
        self.no_archived_posts = escape(gettext("No archived posts to show."))
        # The "F" of the "j F Y H:i" the template's time is written in.
        self.months = {number: escape(str(name)) for number, name in MONTHS.items()}
        self.accounts = {}
        self.networks = {}
        self.keys = {}
        self.words = {}

    def account(self, account):
        """(side, side's name, handle), escaped, per account."""
        parts = self.accounts.get(account.pk)
        if parts is None:
            parts = self.accounts[account.pk] = (
                escape(str(account.side)),
                escape(str(account.get_side_display())),
                escape(account.handle),
            )
        return parts

    def html_key(self, account):
        """``html_key(account)``, once per account."""
        key = self.keys.get(account.pk)
        if key is None:
            key = self.keys[account.pk] = html_key(account)
        return key

    def tweet_words(self, account):
        """The words ``filled_html`` puts in a post of ``account``, escaped, per account."""
        words = self.words.get(account.pk)
        if words is None:
            label, repost, sensitive, quoted, _no_posts = self.network(account.network)
            side_name = self.account(account)[1]
            words = self.words[account.pk] = {
                "label": label,
                "repost": repost,
                "sensitive": sensitive,
                "quoted": quoted,
                "in_reply_to": self.in_reply_to,
                "edited": self.edited,
                "side": f'    <span class="sochef-side">{side_name}</span>\n',
            }
        return words

    def network(self, network):
        """(label, repost, sensitive, quoted, no posts): a platform's words, escaped, per
        platform."""
        words = self.networks.get(network.platform)
        if words is None:
            words = self.networks[network.platform] = tuple(
                escape(str(word))
                for word in (
                    network.label,
                    network.repost,
                    network.sensitive,
                    network.quoted,
                    network.no_posts,
                )
            )
        return words


def tweet_html(tweet, show_context=False, show_side=False, strings=None):
    """What ``tweet.html`` renders for ``tweet`` (account and media loaded): its stored HTML
    (``Tweet.html``) when that is current for its account, else made now, filled in."""
    strings = strings or Strings()
    if tweet.html and tweet.html_key == strings.html_key(tweet.account):
        html = tweet.html
    else:
        html = stored_html(tweet)
    return SafeString(filled_html(html, tweet, show_context, show_side, strings))


#: Raise when stored_html() writes other markup, so that the stored HTML of every post is
#: made again (``html_key`` no longer matches; ``manage.py sochef_render_posts``).
STORED_HTML_VERSION = 1


def html_key(account):
    """What a post's stored HTML holds besides the post: this code's version, the time zone
    its time is written in and its account's platform, handle and side."""
    # str(): an account made in code may hold its choices as enum members.
    identity = (
        STORED_HTML_VERSION,
        str(app_time_zone()),
        str(account.platform),
        account.handle,
        str(account.side),
    )
    return hashlib.sha256(repr(identity).encode()).hexdigest()[:32]


def stored_html(tweet):
    """``tweet.html``'s markup for ``tweet`` (account loaded), made once when it is stored:
    all of it but what changes from one showing to the next, which ``filled_html`` puts in
    at the markers (``<sochef-…>``, which escaped text cannot contain): the words of the
    active language, the side's name and the reply's context (shown at the head of a thread
    or dialogue only) and the media (their files' URLs are the storage's of the day)."""
    account = tweet.account
    side = escape(str(account.side))
    parts = [
        f'<article class="sochef-tweet sochef-tweet--{side}'
        f'{" sochef-tweet--retweet" if tweet.is_retweet else ""}">\n'
        '  <header class="sochef-tweet__header">\n<sochef-side>'
        f'    <a class="sochef-tweet__author" href="{escape(account.profile_url)}" '
        f'rel="noopener">@{escape(account.handle)}</a>\n'
    ]
    if tweet.is_retweet:
        parts.append('    <span class="sochef-tweet__kind"><sochef-w:repost></span>\n')
    parts.append('    <span class="sochef-tweet__platform"><sochef-w:label></span>\n')
    parts.append("  </header>\n")
    if tweet.in_reply_to_handle:
        answered = f"@{escape(tweet.in_reply_to_handle)}"
        url = tweet.reply_url
        if url:
            answered = f'<a href="{escape(url)}" rel="noopener">{answered}</a>'
        parts.append(
            '<sochef-context>  <p class="sochef-tweet__context">\n'
            f"    <sochef-w:in_reply_to>\n    {answered}\n  </p>\n</sochef-context>"
        )
    if tweet.possibly_sensitive:
        if tweet.content_warning:
            warning = escape(tweet.content_warning)
        else:
            warning = "<sochef-w:sensitive>"
        parts.append(f'  <details class="sochef-tweet__sensitive"><summary>{warning}</summary>\n')
    # lang="…" only when the text's language is not the page's.
    language = f"<sochef-lang:{tweet.language}>" if tweet.language else ""
    parts.append(
        f'  <p class="sochef-tweet__text"{language}>'
        f"{tweet_text_html(tweet.text, tweet.entities, tweet.links)}</p>\n<sochef-media>"
    )
    if tweet.possibly_sensitive:
        parts.append("  </details>\n")
    quoted_url = tweet.is_quote and tweet.quoted_tweet_id and tweet.quoted_url
    if quoted_url:
        parts.append(
            f'  <p class="sochef-tweet__quote"><a href="{escape(quoted_url)}" rel="noopener">'
            "<sochef-w:quoted></a></p>\n"
        )
    moment = timezone.localtime(tweet.created_at, app_time_zone())
    parts.append(
        '  <footer class="sochef-tweet__footer">\n    '
        f'<a class="sochef-tweet__permalink" href="{escape(tweet.permalink)}" rel="noopener">'
        f'<time datetime="{moment.isoformat()}">{moment.day} <sochef-m:{moment.month}> '
        f"{moment.year} {moment:%H:%M}</time></a>\n"
    )
    if tweet.edited:
        parts.append('    <span class="sochef-tweet__edited"><sochef-w:edited></span>\n')
    if tweet.client:
        parts.append(
            f'    <span class="sochef-tweet__client"><sochef-via>{escape(tweet.client)}'
            "</sochef-via></span>\n"
        )
    if tweet.place_name:
        parts.append(f'    <span class="sochef-tweet__place">{escape(tweet.place_name)}</span>\n')
    parts.append("  </footer>\n</article>")
    return "".join(parts)


MARKER = re.compile(
    r"<sochef-(?:w:(?P<word>\w+)|m:(?P<month>\d+)|lang:(?P<language>[\w-]+)|(?P<side>side)"
    r"|(?P<media>media)"
    r"|context>(?P<context>.*?)</sochef-context|via>(?P<client>.*?)</sochef-via)>",
    re.DOTALL,
)


def filled_html(html, tweet, show_context, show_side, strings):
    """The stored HTML ``html`` of ``tweet`` with its markers filled in (``stored_html``)."""
    words = strings.tweet_words(tweet.account)

    def fill(match):
        kind = match.lastgroup
        if kind == "word":
            return words[match["word"]]
        if kind == "month":
            return strings.months[int(match["month"])]
        if kind == "language":
            return lang_attribute(match["language"])
        if kind == "side":
            return words["side"] if show_side else ""
        if kind == "context":  # holds a word
            return MARKER.sub(fill, match["context"]) if show_context else ""
        if kind == "client":
            return strings.via % {"client": match["client"]}
        media = tweet.media.all()
        if not media:
            return ""
        items = "".join(media_html(item, strings) for item in media)
        return f'  <div class="sochef-tweet__media">\n{items}  </div>\n'

    return MARKER.sub(fill, html)


def media_html(item, strings):
    file = item.servable_file
    if not file:
        alt = f": {escape(item.alt_text)}" if item.alt_text else ""
        return f'      <p class="sochef-tweet__media-missing">{strings.media_missing}{alt}</p>\n'
    url = escape(file.url)
    if item.kind == "photo":
        alt = escape(item.alt_text) if item.alt_text else strings.no_description
        size = f' width="{item.width}" height="{item.height}"' if item.width and item.height else ""
        return f'      <img src="{url}" alt="{alt}"{size} loading="lazy">\n'
    loop = " loop muted playsinline" if item.kind == "animated_gif" else ""
    label = f' aria-label="{escape(item.alt_text)}"' if item.alt_text else ""
    return f'      <video src="{url}" controls preload="metadata"{loop}{label}></video>\n'


def thread_html(thread, strings):
    """What ``tweet_thread.html`` renders for ``thread``."""
    tweets = thread.tweets
    if thread.is_dialogue:
        turns = []
        for position, tweet in enumerate(tweets):
            side = strings.account(tweet.account)[0]
            body = tweet_html(tweet, show_context=position == 0, show_side=True, strings=strings)
            turns.append(
                f'    <li class="sochef-dialogue__turn sochef-dialogue__turn--{side}">\n'
                f"{body}\n    </li>\n"
            )
        return (
            f'  <ol class="sochef-dialogue" aria-label="{strings.dialogue}">\n'
            f"{''.join(turns)}  </ol>\n"
        )
    root = tweet_html(thread.root, show_context=True, strings=strings)
    if len(tweets) > 1:
        replies = "".join(
            f"<li>{tweet_html(tweet, strings=strings)}</li>\n" for tweet in tweets[1:]
        )
        return (
            f'  <div class="sochef-thread">\n{root}\n'
            f'    <ol class="sochef-thread__replies" aria-label="{strings.replies}">\n'
            f"{replies}    </ol>\n  </div>\n"
        )
    return f"{root}\n"


def archive_html(archive, heading_level=None):
    """What ``tweet_archive.html`` renders for ``archive`` (a TweetArchive), through the
    templates when a host overrides one of them."""
    if tweet_templates_overridden():
        context = {"archive": archive, "heading_level": heading_level}
        return SafeString(render_to_string(ARCHIVE_TEMPLATE, context))
    strings = Strings()
    level = escape(str(heading_level or 3))
    parts = ['<div class="sochef-tweets">\n']
    if archive.side_by_side:
        parts.append('  <div class="sochef-pair">\n')
        for column in archive.columns:
            side, side_name, handle = strings.account(column.account)
            parts.append(
                f'    <section class="sochef-tweets__column sochef-tweets__column--{side}">\n'
                f'      <h{level} class="sochef-tweets__heading">\n'
                f'        <span class="sochef-side">{side_name}</span> @{handle}\n'
                f"      </h{level}>\n"
            )
            for thread in column.threads:
                parts.append(thread_html(thread, strings))
            if not column.threads:
                no_posts = strings.network(column.account.network)[-1]
                empty = strings.only_dialogues if archive.dialogues else no_posts
                parts.append(f'      <p class="sochef-tweets__empty">{empty}</p>\n')
            parts.append("    </section>\n")
        parts.append("  </div>\n")
        if archive.dialogues:
            parts.append(
                '  <section class="sochef-tweets__dialogues">\n'
                f'    <h{level} class="sochef-tweets__heading">{strings.answer_each_other}'
                f"</h{level}>\n"
            )
            parts.extend(thread_html(thread, strings) for thread in archive.dialogues)
            parts.append("  </section>\n")
    else:
        parts.extend(thread_html(thread, strings) for thread in archive.threads)
        if not archive.threads:
            empty = strings.no_archived if archive.on_x_only else strings.no_archived_posts
            parts.append(f'  <p class="sochef-tweets__empty">{empty}</p>\n')
    parts.append("</div>\n")
    return SafeString("".join(parts))
