"""A thread that runs database jobs on its caller's connection, inside its transaction.

An import normalises tweets in Python (one core) while the database writes the batch before
(PostgreSQL's server process, or SQLite, which releases the GIL while it steps): together
they take about as long as the longer of the two, not their sum.
"""

import queue
import threading
from concurrent.futures import Future

from django.db import connections

#: Jobs waiting at most: memory holds a few batches, however far the caller could run ahead.
DEPTH = 4


class Writer:
    """Runs the jobs given to ``submit`` one after the other, in their order, on a thread of its
    own that uses the database connection ``using`` of the thread that made it: inside that
    thread's transaction, which must leave the connection alone until the block ends.

    Use as a context manager. Once a job has failed, every later one fails with its error (the
    transaction is broken by then); leaving the block on an error drops the jobs not started.
    Either way the block ends once the thread has, so that nothing runs on the connection
    while the caller's transaction is rolled back or committed.
    """

    def __init__(self, using):
        self._connection = connections[using]
        self._jobs = queue.Queue(maxsize=DEPTH)
        self._error = None
        self._dropping = False
        # A daemon: should the caller be stopped before it hands over the end (a second
        # Ctrl-C), the thread waiting for it does not keep the process from exiting.
        self._thread = threading.Thread(target=self._run, name="sochef-archive-writer", daemon=True)

    def __enter__(self):
        self._connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, kind, error, traceback):
        self._dropping = kind is not None
        self._jobs.put(None)
        self._thread.join()
        self._connection.dec_thread_sharing()

    def submit(self, function, *args, **kwargs):
        """Queue ``function(*args, **kwargs)``; returns its ``Future``. Waits while ``DEPTH``
        jobs do."""
        future = Future()
        self._jobs.put((future, function, args, kwargs))
        return future

    def _run(self):
        alias = self._connection.alias
        connections[alias] = self._connection
        try:
            while (job := self._jobs.get()) is not None:
                future, function, args, kwargs = job
                if self._dropping:
                    future.cancel()
                    continue
                future.set_running_or_notify_cancel()
                if self._error is not None:
                    future.set_exception(self._error)
                    continue
                try:
                    future.set_result(function(*args, **kwargs))
                except BaseException as error:
                    self._error = error
                    future.set_exception(error)
        finally:
            del connections[alias]  # this thread's name for the caller's: never closed here
