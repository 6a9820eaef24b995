"""Page weight in Chromium: our week page with 50 tweets against the same 50 tweets pasted as
X's oEmbed code (a blockquote and widgets.js each), as an editor would paste them.

This machine cannot reach X: requests to other hosts are recorded and aborted, never sent.
What the embeds would then load is taken from published measurements (REFERENCE).
"""

import gzip
import html
from urllib.parse import urlsplit

from django.utils import dateformat
from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

from .report import Section
from .server import fetch, gunicorn

TITLE = "Page weight and third-party requests of a week page with 50 tweets"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
EMBED_PATH = "/bench-x-embeds/"
WIDGETS_JS = "https://platform.twitter.com/widgets.js"
# One X embed (blockquote + widgets.js) on an otherwise blank page.
REFERENCE = {
    "requests": 27,
    "kb_low": 460,
    "kb_high": 600,
    "js_mb": 1.5,
    "source": "published measurements of one X embed on a blank page: Miško Hevery, “How To "
    "Embed Tweets Without a Performance Penalty”, builder.io, 19 Jan 2023 (about 27 requests, "
    "600 KB over the wire, 1.5–1.6 MB of JavaScript; "
    "https://www.builder.io/blog/how-to-embed-tweets-without-a-performance-penalty) and "
    "“Faster Twitter Embeds”, blog.kevmo314.com, 25 Dec 2022 (about 460 kB transferred; "
    "https://blog.kevmo314.com/faster-twitter.html), as recorded in the project's TECH-NOTES",
}


def embed_code(tweet):
    """X's oEmbed HTML for ``tweet``, script included, as "Embed post" hands it out."""
    posted = dateformat.format(tweet.created_at, "F j, Y")
    url = f"https://twitter.com/{tweet.account.handle}/status/{tweet.tweet_id}?ref_src=twsrc%5Etfw"
    return (
        f'<blockquote class="twitter-tweet"><p lang="sv" dir="ltr">{html.escape(tweet.text)}</p>'
        f"&mdash; {html.escape(tweet.account.display_name)} (@{tweet.account.handle}) "
        f'<a href="{url}">{posted}</a></blockquote>\n'
        f'<script async src="{WIDGETS_JS}" charset="utf-8"></script>\n'
    )


def embeds_page(tweets):
    body = "".join(embed_code(tweet) for tweet in tweets)
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>50 inbäddade tweets</title></head><body>\n{body}</body></html>"
    )


def weigh(browser, url, fulfil=None):
    """Load ``url`` (answered with ``fulfil`` when given) and scroll to its end; returns the
    requests that reached this machine and the ones aimed elsewhere, which are aborted."""
    local, elsewhere = [], []
    context = browser.new_context()
    page = context.new_page()

    def route(route):
        request = route.request
        if urlsplit(request.url).hostname not in LOCAL_HOSTS:
            elsewhere.append(request.url)
            route.abort()
        elif fulfil is not None and request.url == url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=fulfil)
        else:
            route.continue_()

    page.route("**/*", route)
    page.on("requestfinished", lambda request: local.append(request))
    page.goto(url, wait_until="networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    weights = []
    for request in local:
        sizes = request.sizes()
        body = sizes["responseBodySize"]
        if fulfil is not None and request.url == url:
            body = len(fulfil.encode())  # answered by the route, not the network
        weights.append(
            {
                "url": request.url,
                "bytes": body + sizes["responseHeadersSize"],
                "script": request.resource_type == "script",
            }
        )
    context.close()
    return weights, elsewhere


def kb(count):
    return f"{count / 1024:.1f} KB"


def measure(bench):
    section = Section(
        TITLE,
        [
            "page",
            "requests",
            "transferred",
            "JavaScript",
            "third-party requests",
            "hosts contacted",
        ],
    )
    pages = bench.throughput_pages()
    week, tweets = pages["week"], pages["tweets"]
    with gunicorn() as server, sync_playwright() as playwright:
        gzipped = len(gzip.compress(fetch(server.url + week)))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ours, ours_elsewhere = weigh(browser, server.url + week)
        embeds, embeds_elsewhere = weigh(browser, server.url + EMBED_PATH, embeds_page(tweets))
        browser.close()

    ours_bytes = sum(item["bytes"] for item in ours)
    section.add(
        "our week page (measured)",
        len(ours) + len(ours_elsewhere),
        kb(ours_bytes),
        kb(sum(item["bytes"] for item in ours if item["script"])),
        len(ours_elsewhere),
        ", ".join(sorted({urlsplit(item["url"]).hostname for item in ours})),
    )
    attempted_hosts = sorted({urlsplit(url).hostname for url in embeds_elsewhere})
    section.add(
        f"the same {len(tweets)} tweets as X embeds (measured; X unreachable)",
        f"{len(embeds)} local + {len(embeds_elsewhere)} attempted",
        kb(sum(item["bytes"] for item in embeds)) + " local",
        "not loaded",
        len(embeds_elsewhere),
        ", ".join(attempted_hosts),
    )
    section.add(
        "one X embed on a blank page (published reference)",
        f"~{REFERENCE['requests']}",
        f"~{REFERENCE['kb_low']}–{REFERENCE['kb_high']} KB",
        f"~{REFERENCE['js_mb']} MB (uncompressed)",
        f"~{REFERENCE['requests'] - 1}",
        "X's hosts",
    )
    low, high = REFERENCE["kb_low"] * 1024, REFERENCE["kb_high"] * 1024
    section.notes += [
        f"Our page: the week page with {len(tweets)} tweets and a pair of guests with photos. "
        f"It needs {len(ours) + len(ours_elsewhere)} requests, all to this server, "
        f"{kb(ours_bytes)} transferred without compression (the HTML alone would be "
        f"{kb(gzipped)} gzipped, as a server that compresses sends it), no JavaScript and "
        f"{len(ours_elsewhere)} third-party requests: the tweets are rendered by the site from "
        "its own copy.",
        f"Based on the reference: one X embed alone transfers {REFERENCE['kb_low']}–"
        f"{REFERENCE['kb_high']} KB in about {REFERENCE['requests']} requests, "
        f"{low / max(ours_bytes, 1):.0f}–{high / max(ours_bytes, 1):.0f}× what our whole page "
        f"with {len(tweets)} tweets transfers. Fifty embeds cost at least as much as one; the "
        "reference does not measure 50, so no figure for 50 is claimed.",
        f"Measured here: the pasted embed code makes the browser contact "
        f"{', '.join(attempted_hosts) or 'no host'} ({len(embeds_elsewhere)} request(s) for "
        f"{len(set(embeds_elsewhere))} distinct URL(s), for {len(tweets)} pasted script tags) "
        "before anything else; what widgets.js would load next is not known here, as those "
        "requests were aborted.",
        f"Reference: {REFERENCE['source']}.",
        "Transferred = response bodies and headers as Chromium saw them (Playwright's "
        "request.sizes()); gunicorn serves without compression.",
    ]
    return section
