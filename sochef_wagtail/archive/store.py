"""One storing function: ``TweetRow``s become ``Tweet`` and ``TweetMedia`` rows, idempotently."""

from dataclasses import dataclass
from itertools import islice

from django.core.files import File
from django.db import transaction
from django.utils.text import get_valid_filename
from wagtail.search.backends import get_search_backends

from ..accounts import RelayAccount
from .models import Tweet, TweetMedia

BATCH_SIZE = 500


def batched(iterable, size):
    """``itertools.batched`` of Python 3.12, as lists."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class StoreResult:
    created: int = 0
    present: int = 0
    duplicates: int = 0
    media: int = 0


def existing_tweet_ids(tweet_ids):
    """The ids among ``tweet_ids`` that are stored already, queried in batches."""
    found = set()
    for batch in batched(tweet_ids, BATCH_SIZE):
        found.update(Tweet.objects.filter(tweet_id__in=batch).values_list("tweet_id", flat=True))
    return found


def store_tweets(account, rows, *, open_media=None, on_stored=None):
    """Store the rows of ``account`` that are not stored yet, in one transaction.

    A tweet already stored is skipped, and so is a tweet met twice in ``rows``. Concurrent calls
    for the same account wait for each other (the account row is locked), so none stores a
    tweet twice. ``open_media(row, media, taken)`` returns ``(file name, file object)`` of a
    media file to keep, or None (``taken`` is a set it may use to hand out each file of a tweet
    once); files stored before a failure are deleted again.
    ``on_stored(count)`` is told how many rows were handled after each batch.
    """
    result = StoreResult()
    file_field = TweetMedia._meta.get_field("file")
    saved_files = []
    seen = set()
    try:
        with transaction.atomic():
            RelayAccount.objects.select_for_update().filter(pk=account.pk).first()
            for batch in batched(rows, BATCH_SIZE):
                unique = []
                for row in batch:
                    if row.tweet_id in seen:
                        result.duplicates += 1
                    else:
                        seen.add(row.tweet_id)
                        unique.append(row)
                present = existing_tweet_ids([row.tweet_id for row in unique])
                new = [row for row in unique if row.tweet_id not in present]
                result.present += len(present)
                tweets = Tweet.objects.bulk_create(
                    [Tweet(account=account, **row.model_fields()) for row in new]
                )
                # bulk_create sends no signals: index the new tweets for Wagtail search here.
                for backend in get_search_backends(with_auto_update=True):
                    backend.add_bulk(Tweet, tweets)
                media = []
                for tweet, row in zip(tweets, new, strict=True):
                    taken = set()
                    for item in row.media:
                        name = ""
                        opened = open_media(row, item, taken) if open_media else None
                        if opened:
                            file_name, file_object = opened
                            with file_object:
                                name = file_field.storage.save(
                                    file_field.generate_filename(
                                        None, get_valid_filename(file_name)
                                    ),
                                    File(file_object),
                                    max_length=file_field.max_length,
                                )
                            saved_files.append(name)
                        media.append(
                            TweetMedia(
                                tweet=tweet,
                                media_key=item.media_key,
                                kind=item.kind,
                                file=name,
                                alt_text=item.alt_text,
                                width=item.width,
                                height=item.height,
                                original_url=item.original_url,
                                position=item.position,
                            )
                        )
                TweetMedia.objects.bulk_create(media, ignore_conflicts=True)
                result.created += len(new)
                result.media += len(media)
                if on_stored:
                    on_stored(len(batch))
    except BaseException:
        for name in saved_files:
            file_field.storage.delete(name)
        raise
    return result
