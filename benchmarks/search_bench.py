"""Search at scale: the guest index's search route (``sok/``) over 1,000,000 tweets on PostgreSQL.

Part of ``./run bench``, and runnable alone::

    .venv/bin/python -m benchmarks.search_bench [--count N] [--rounds R] [--database URL]

The tweets live in a database of their own, kept between runs (building it takes minutes): the
benchmark's database name with ``_search`` appended, or ``SOCHEF_BENCH_SEARCH_DATABASE_URL``.
A child process creates and migrates it and, unless its tweet table already holds this build
(the key in the table's comment), fills it with one ``INSERT … SELECT generate_series`` of
Swedish-looking texts, its indexes dropped meanwhile and made again afterwards (the app's own,
from migration 0012, included), and writes Wagtail's index entries of the same tweets as
Wagtail's indexing would (for the comparison with Wagtail's backend).

Then gunicorn serves the site on that database, and one client times the search route, one
request at a time: one-word queries and two-word queries that each match thousands of tweets,
each query in turn, ``rounds`` times; p50 and p95 per kind and round, the medians over rounds
(their range in brackets) judged against the target. The same route with Wagtail's own
database backend (its index table) and a word in a quarter of the tweets are timed too, with
fewer requests: they are far slower.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .report import Section

COUNT = 1_000_000
ROUNDS = 5
TARGET_MS = 100
ROOT = Path(__file__).resolve().parent.parent
#: Change it when the generated texts change: a stored build with another key is rebuilt.
BUILD_VERSION = 1
SEARCH_PATH = "/sochef/sok/"

# Words of the texts: compounds of these parts (the topical words, a few in thousands of tweets
# each, some in a quarter of them: the choice is skewed), and everyday words, stop words among
# them, drawn evenly.
PREFIXES = """arbets skydds löne chefs personal rehab hälso lednings besluts samverkans bygg
vård skol kontors lager verkstads kök städ trafik sjuk friskvårds introduktions säkerhets
schema semester övertids kompetens medarbetar utvecklings förändrings omställnings budget
kvalitets kunskaps rutin risk tillbuds olycks buller ljus luft belastnings stress konflikt
jämställdhets mångfalds ergonomi""".split()
SUFFIXES = """miljö ombud rond samtal fråga plan policy rutin möte grupp arbete ansvar område
kultur dialog träff kommitté avtal enkät rapport utbildning handbok modell process bedömning
åtgärd uppföljning program lag regel system kontroll kostnad nivå insats stöd frånvaro hälsa
skada period""".split()
EVERYDAY = """och att det i på som en för med är av till den inte har om vi jag de ett men så
kan ska var från också när vad alla nu här hur många måste bra ny nytt viktigt tack idag igen
snart vecka veckan möte chef chefen personalen kollegor medarbetare facket arbetsgivaren
ledningen skyddsombudet fråga frågan svar diskussion förslag beslut tid tiden dag dagen morgon
kväll jobb jobbet arbetsplatsen kontoret gänget samarbete förtroende ansvar""".split()
ENDINGS = ["", "", "", "en", "er", "erna", "et", "s"]
WORDS_PER_TWEET = 13
#: How many queries of each kind, and the tweets each must match.
QUERIES = 10
ONE_WORD_HITS = (2_000, 20_000)
TWO_WORD_HITS = (2_000, 20_000)


def compounds():
    words = [prefix + suffix for prefix in PREFIXES for suffix in SUFFIXES]
    random.Random(13).shuffle(words)  # which compounds are frequent, independent of spelling
    return words


def build_key(count, definitions):
    """What the stored build must match: the texts, and the tweet table's generated columns and
    indexes as the migrations define them."""
    source = json.dumps([BUILD_VERSION, count, PREFIXES, SUFFIXES, EVERYDAY, ENDINGS, definitions])
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def search_database_url(bench_url):
    if os.environ.get("SOCHEF_BENCH_SEARCH_DATABASE_URL"):
        return os.environ["SOCHEF_BENCH_SEARCH_DATABASE_URL"]
    parts = urlsplit(bench_url)
    return parts._replace(path=parts.path.rstrip("/") + "_search").geturl()


# The measurement -----------------------------------------------------------------------------


def measure(bench):
    return measure_search(search_database_url(os.environ["DATABASE_URL"]), rounds=bench.rounds)


def measure_search(url, count=COUNT, rounds=ROUNDS):
    from .server import THREADS, WORKERS, cpu_seconds, gunicorn

    started = time.monotonic()
    build = _prepare(url, count)
    queries = {"one word": build["one_word"], "two words": build["two_words"]}
    runs = {kind: [] for kind in queries}
    slow = {}
    cpu = {kind: [] for kind in queries}
    with gunicorn(DATABASE_URL=url) as app:
        client = Client(app.url)
        for kind_queries in queries.values():
            client.check(kind_queries, build["hits"])
            client.times(kind_queries)  # warm up: the server's and the database's caches
        for _ in range(rounds):
            for kind, kind_queries in queries.items():
                before = cpu_seconds(app.worker_pids() + database_pids(url))
                runs[kind].append(client.times(kind_queries))
                after = cpu_seconds(app.worker_pids() + database_pids(url))
                used = sum(total - before.get(pid, 0.0) for pid, total in after.items())
                cpu[kind].append(1000 * used / len(kind_queries))
        slow["a word in a quarter of the tweets"] = client.times([build["common"]] * 3)
    with gunicorn(DATABASE_URL=url, SOCHEF_BENCH_SEARCH_BACKEND="wagtail") as wagtail:
        client = Client(wagtail.url)
        for kind, kind_queries in queries.items():
            client.check(kind_queries[:1], build["hits"])
            slow[f"{kind}, Wagtail's database backend"] = client.times(kind_queries[:3])
    seconds = time.monotonic() - started
    return section(build, runs, cpu, slow, count, rounds, WORKERS, THREADS, seconds)


def database_pids(url):
    """PostgreSQL's backends serving the database of ``url`` (gunicorn's connections)."""
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def section(build, runs, cpu, slow, count, rounds, workers, threads, seconds):
    median = statistics.median
    result = Section(
        f"Search over {count:,} tweets (the guest index's sok/ route, gunicorn + PostgreSQL)",
        [
            "query",
            "tweets matched",
            "requests",
            "p50 ms",
            "p95 ms",
            f"target p95 ≤ {TARGET_MS} ms",
            "CPU ms per request (app + DB)",
        ],
    )
    for kind, kind_runs in runs.items():
        p50s = [percentile(times, 50) for times in kind_runs]
        p95s = [percentile(times, 95) for times in kind_runs]
        hits = [build["hits"][query] for query in build[kind.replace(" ", "_")]]
        result.add(
            f"{kind} (the app's backend: the tweets' own column)",
            f"{min(hits):,}–{max(hits):,}",
            sum(len(times) for times in kind_runs),
            f"{median(p50s):.0f} ({min(p50s):.0f}–{max(p50s):.0f})",
            f"{median(p95s):.0f} ({min(p95s):.0f}–{max(p95s):.0f})",
            "pass" if median(p95s) <= TARGET_MS else "FAIL",
            f"{median(cpu[kind]):.0f}",
        )
    for name, times in slow.items():
        hits = build["hits"][build["common"]] if "quarter" in name else "as above"
        result.add(
            name,
            f"{hits:,}" if isinstance(hits, int) else hits,
            len(times),
            f"{percentile(times, 50):.0f}",
            f"{max(times):.0f} (slowest)",
            "–",
            "–",
        )
    result.notes += [
        f"{count:,} tweets of {WORDS_PER_TWEET} Swedish-looking words each (compounds such as "
        "'skyddsrond', 'arbetsmiljöer', skewed so that some are frequent, and everyday words, "
        f"stop words among them), built {build['built']}. Queries: {QUERIES} one-word ("
        f"{', '.join(build['one_word'][:3])}…) and {QUERIES} two-word ("
        f"{', '.join(build['two_words'][:3])}…), each matching thousands of tweets; the first "
        "results page (20 tweets, the guests' search, the week links), sequential requests "
        "over one keep-alive connection after a warm-up pass.",
        f"{rounds} rounds, each query once per round; p50/p95 are taken within each round, the "
        "medians over the rounds shown with their range in brackets, the target judged on the "
        f"median p95. gunicorn: {workers} processes × {threads} threads; PostgreSQL as "
        "installed (its buffers smaller than the table: pages come from the OS cache).",
        "CPU ms per request: the user + system CPU time of gunicorn's workers and of the "
        "PostgreSQL backends of the search database during a round, divided by its requests "
        "(from /proc): what a request costs, much less dependent on what else the machine "
        "runs than its latency.",
        "Wagtail's database backend (WAGTAILSEARCH_BACKENDS = wagtail.search.backends.database, "
        "its index table filled as its indexing does) matches `title || body` of its index "
        "table, which no index holds: every search reads and joins all its entries. Its rows "
        "and the very frequent word are timed with a few requests only.",
        f"The whole measurement took {seconds:.0f} s.",
    ]
    return result


def percentile(times, percent):
    if len(times) == 1:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[percent - 1]


class Client:
    """One keep-alive connection to the server; times GETs of the search route."""

    def __init__(self, url):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)

    def get(self, query):
        self.connection.request("GET", f"{SEARCH_PATH}?{urlencode({'q': query})}")
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"the search for {query!r} answered {response.status}")
        return body

    def times(self, queries):
        """Milliseconds per request, one per query."""
        found = []
        for query in queries:
            started = time.perf_counter()
            self.get(query)
            found.append((time.perf_counter() - started) * 1000)
        return found

    def check(self, queries, hits):
        """Each query's page shows its 20 first tweets, lest the benchmark time an empty page."""
        for query in queries:
            shown = self.get(query).count(b'<li class="sochef-result-tweet">')
            if shown != min(20, hits[query]):
                raise RuntimeError(f"{query!r} shows {shown} tweets, not 20 of {hits[query]}")


# The child process: the database and its tweets -----------------------------------------------


def _prepare(url, count):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    done = subprocess.run(
        ["nice", "-n", "10", sys.executable, "-m", "benchmarks.search_bench", "--prepare"]
        + [f"--count={count}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        raise RuntimeError("building the search benchmark's database failed (see above)")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(count):
    """Create and migrate the database in DATABASE_URL, build its tweets unless they are this
    build's, print the build's description (queries, tweets matched) as JSON."""
    import dj_database_url

    _create_database(dj_database_url.parse(os.environ["DATABASE_URL"]))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('sochef_wagtail_tweet'::regclass, 'pg_class')")
        stored = json.loads(cursor.fetchone()[0] or "{}")
        cursor.execute(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef "
            "WHERE adrelid = 'sochef_wagtail_tweet'::regclass "
            "UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'sochef_wagtail_tweet'::regclass ORDER BY 1"
        )
        key = build_key(count, [row[0] for row in cursor.fetchall()])
    if stored.get("key") != key:
        print(f"==> Building {count:,} tweets for the search benchmark", file=sys.stderr)
        started = time.monotonic()
        stored = build(count, key)
        print(f"    ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    print(json.dumps(stored))


def _create_database(config):
    """The database of ``config``, created when it does not exist (it is kept between runs)."""
    from .database import create_postgres, maintenance_connection

    with maintenance_connection(config) as maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            create_postgres(config, maintenance)


def build(count, key):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.search.models import IndexEntry

    from sochef_wagtail.accounts import RelayAccount
    from sochef_wagtail.archive.models import Tweet
    from sochef_wagtail.weeks.pages import GuestWeekIndexPage
    from tests.factories import make_accounts, make_index

    tweets, entries = Tweet._meta.db_table, IndexEntry._meta.db_table
    if not RelayAccount.objects.exists():
        make_accounts()
    if not GuestWeekIndexPage.objects.exists():
        make_index()
    accounts = list(RelayAccount.objects.order_by("pk").values_list("pk", flat=True))
    tweet_type = ContentType.objects.get_for_model(Tweet).pk
    words = compounds()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tweets} CASCADE")
        cursor.execute(f"DELETE FROM {entries} WHERE content_type_id = %s", [tweet_type])
        with dropped_indexes(cursor, [tweets, entries]):
            cursor.execute("SELECT setseed(0.42)")
            # The subquery names g, lest PostgreSQL run it once for all rows.
            cursor.execute(
                f"""
                INSERT INTO {tweets} (tweet_id, account_id, created_at, text, entities,
                    in_reply_to_tweet_id, in_reply_to_handle, in_reply_to_user_id, is_retweet,
                    is_quote, quoted_tweet_id, lang, like_count, retweet_count, source, client,
                    possibly_sensitive, place_name, latest_version_id, edited, imported_at)
                SELECT (400000000000000000 + g)::text, (%(accounts)s::bigint[])[1 + g %% 2],
                    timestamptz '2012-09-03 08:00+02' + g * interval '3 minutes',
                    array_to_string(ARRAY(
                        SELECT CASE WHEN w %% 2 = 0
                            THEN (%(everyday)s::text[])[1 + floor(random() * %(everyday_n)s)::int]
                            ELSE (%(words)s::text[])[1 + floor(%(words_n)s * random() ^ 2.5)::int]
                                || (%(endings)s::text[])[1 + floor(random() * %(endings_n)s)::int]
                        END
                        FROM generate_series(1, %(per_tweet)s + g * 0) AS w), ' ')
                    || CASE WHEN g %% 3 = 0 THEN ' https://t.co/b' || g ELSE '' END,
                    '{{}}'::jsonb, '', '', '', false, false, '', 'sv', 0, 0, 'archive', '',
                    false, '', '', false, now()
                FROM generate_series(1, %(count)s) AS g
                """,
                {
                    "accounts": accounts,
                    "everyday": EVERYDAY,
                    "everyday_n": len(EVERYDAY),
                    "words": words,
                    "words_n": len(words),
                    "endings": ENDINGS,
                    "endings_n": len(ENDINGS),
                    "per_tweet": WORDS_PER_TWEET,
                    "count": count,
                },
            )
            # What Wagtail's indexing writes for a tweet (ObjectIndexer): ``text`` as the body,
            # weight D, in the backend's configuration (none given: the database's default).
            cursor.execute(
                f"""
                INSERT INTO {entries} (content_type_id, object_id, title, autocomplete, body,
                    title_norm, title_text, body_text)
                SELECT %s, id::text, to_tsvector(''), to_tsvector(''),
                    setweight(to_tsvector(text), 'D'), 1.0, '', text
                FROM {tweets}
                """,
                [tweet_type],
            )
        stored = {"key": key, "built": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        stored.update(choose_queries(cursor, words))
        comment = json.dumps(stored, ensure_ascii=False).replace("'", "''")
        cursor.execute(f"COMMENT ON TABLE {tweets} IS '{comment}'")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tweets}")
        cursor.execute(f"VACUUM ANALYZE {entries}")
    return stored


class dropped_indexes:  # noqa: N801 - used as a context manager, like contextlib's
    """Drop the tables' indexes (not those of constraints) and make them again on exit, as
    they were defined (pg_get_indexdef): a bulk load is faster without them."""

    def __init__(self, cursor, tables):
        self.cursor, self.tables = cursor, tables

    def __enter__(self):
        self.cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [self.tables],
        )
        self.definitions = self.cursor.fetchall()
        for name, _definition in self.definitions:
            self.cursor.execute(f"DROP INDEX {name}")

    def __exit__(self, *exc):
        # The rows' deferred foreign key checks first: no index is made while they are pending.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in self.definitions:
            self.cursor.execute(definition)


def choose_queries(cursor, words):
    """Queries that match thousands of tweets: one compound each, and two everyday words,
    picked by their counts in the built table, with a word in about a quarter of the tweets."""
    from sochef_wagtail.search_postgres import TWEET_SEARCH_COLUMN, TWEET_SEARCH_CONFIG

    def hits(query):
        cursor.execute(
            f"SELECT count(*) FROM sochef_wagtail_tweet "
            f"WHERE {TWEET_SEARCH_COLUMN} @@ plainto_tsquery(%s, %s)",
            [TWEET_SEARCH_CONFIG, query],
        )
        return cursor.fetchone()[0]

    def pick(candidates, bounds):
        chosen = []
        for query in candidates:
            found = hits(query)
            if bounds[0] <= found <= bounds[1]:
                chosen.append((query, found))
            if len(chosen) == QUERIES:
                return chosen
        raise RuntimeError(f"fewer than {QUERIES} queries match {bounds} tweets")

    # Ranks 100, 105, … of the skewed compounds: thousands of tweets each.
    one_word = pick(words[100::5], ONE_WORD_HITS)
    everyday = [word for word in EVERYDAY if len(word) > 4]
    pairs = [f"{a} {b}" for a, b in zip(everyday, everyday[7:] + everyday[:7], strict=True)]
    two_words = pick(pairs, TWO_WORD_HITS)
    common = words[0]
    found = dict(one_word + two_words)
    found[common] = hits(common)
    return {
        "one_word": [query for query, _ in one_word],
        "two_words": [query for query, _ in two_words],
        "common": common,
        "hits": found,
    }


# Alone: python -m benchmarks.search_bench ------------------------------------------------------


def main(argv=None):
    from .database import DEFAULT_DATABASE

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.search_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--count", type=int, default=COUNT, help="tweets (%(default)s)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds (%(default)s)")
    parser.add_argument(
        "--database",
        default=search_database_url(os.environ.get("SOCHEF_BENCH_DATABASE_URL", DEFAULT_DATABASE)),
        help="PostgreSQL database of the tweets, kept between runs (default: %(default)s)",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.count)
        return
    from .report import as_text

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    print(as_text(measure_search(args.database, args.count, args.rounds)))


if __name__ == "__main__":
    main()
