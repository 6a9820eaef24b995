"""The archive's own signals."""

from django.dispatch import Signal

#: Sent by ``store.tweet_store``, inside its transaction, when it has written tweets in bulk
#: (which sends no model signals): ``sender`` is the ``Tweet`` model, ``account`` the
#: RelayAccount, ``first`` and ``last`` the times of the earliest and latest tweet written or
#: changed (aware datetimes). The caches listen to it (signal_handlers.py).
tweets_stored = Signal()
