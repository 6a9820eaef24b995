"""Hostile strings for the XSS tests, and a check that none of them became markup.

Every payload carries MARKER, so that markup it would create is told apart from the page's
own (Wagtail's admin has scripts of its own). The check parses the HTML as a browser does
(html5lib implements the WHATWG parsing algorithm) and looks at elements and attributes, not at
the source text: an escaped payload is text, a payload that got through is an element.
"""

import base64
import re

import html5lib

from sochef_wagtail.text import clean_text

MARKER = "SOCHEFXSS"
JS = f"alert('{MARKER}')"
_B64_PAGE = base64.b64encode(f"<script>{JS}</script>".encode()).decode()

# Markup: script tags and their disguises, event handlers, elements that run or load things.
MARKUP = [
    f"<script>{JS}</script>",
    f"<SCRIPT SRC=https://evil.example/{MARKER}.js></SCRIPT>",
    f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f"<script\n>{JS}</script\n>",
    f'<img src=x onerror="{JS}">',
    f"<IMG SRC=x OnErRoR={JS}>",
    f"<svg onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f"<svg><a><animate attributeName=href values=javascript:{JS} />{MARKER}</a></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    f'<iframe src="javascript:{JS}"></iframe>',
    f'<iframe srcdoc="<script>{JS}</script>"></iframe>',
    f'<a href="javascript:{JS}">{MARKER}</a>',
    f"<body onload={JS}>",
    f"<details open ontoggle={JS}>",
    f"<input autofocus onfocus={JS}>",
    f'<object data="data:text/html;base64,{_B64_PAGE}">',
    f'<embed src="javascript:{JS}">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    f'<base href="javascript:{JS}//">',
    f"<style>@import 'javascript:{JS}';</style>",
    f'<form action="javascript:{JS}"><button>{MARKER}</button></form>',
    f"<button formaction=javascript:{JS}>{MARKER}</button>",
    f'<video><source onerror="{JS}"></video>',
    f'<div style="background:url(javascript:{JS})">{MARKER}</div>',
    f"<template><script>{JS}</script></template>",
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    # Breaking out of an attribute, a textarea, the title or a comment.
    f'" onmouseover="{JS}" x="',
    f"' onmouseover='{JS}' x='",
    f"` onmouseover={JS} `",
    f'"><script>{JS}</script>',
    f"'><img src=x onerror={JS}>",
    f"</textarea><script>{JS}</script>",
    f"</title><script>{JS}</script>",
    f"</style><script>{JS}</script>",
    f"--><script>{JS}</script><!--",
    f"]]><script>{JS}</script>",
    # Entity-encoded: must come out as the same entities, as text.
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"&#60;script&#62;{JS}&#60;/script&#62;",
    f"&#x3C;img src=x onerror={JS}&#x3E;",
    f'<a href="&#106;&#97;&#118;&#97;script&#58;{JS}">{MARKER}</a>',
    f'<a href="javascript&colon;{JS}">{MARKER}</a>',
    # Unicode tricks: look-alikes, direction overrides, invisible characters, escapes.
    f"\uff1cscript\uff1e{JS}\uff1c/script\uff1e",
    f"\u202e<script>{JS}</script>",
    f"<scr\u200bipt>{JS}</script>",
    f"\ufeff<script>{JS}</script>",
    f"\\u003cscript\\u003e{JS}\\u003c/script\\u003e",
    f"%3Cscript%3E{JS}%3C/script%3E",
    f"\u2028<img src=x onerror={JS}>\u2029",
    f"{{{{ request }}}}{{% debug %}}<script>{JS}</script>",
]

# URLs that must never become a link: javascript:, data: and vbscript: in disguise.
URLS = [
    f"javascript:{JS}",
    f"JaVaScRiPt:{JS}",
    f" javascript:{JS}",
    f"\tjavascript:{JS}",
    f"java\tscript:{JS}",
    f"java\nscript:{JS}",
    f"java\rscript:{JS}",
    f"\x01javascript:{JS}",
    f"javascript&#58;{JS}",
    f"&#106;avascript:{JS}",
    f"jav&#x09;ascript:{JS}",
    f"javascript%3A{JS}",
    f"javascript://example.com/%0A{JS}",
    f"data:text/html,<script>{JS}</script>",
    f"DATA:text/html;base64,{_B64_PAGE}#{MARKER}",
    f" data:image/svg+xml,<svg onload={JS}>",
    f'vbscript:msgbox("{MARKER}")',
    f'VBScript:msgbox("{MARKER}")',
]

ALL = MARKUP + URLS
# Every payload fits the shortest free-text field it is stored in (100 characters).
LONGEST = 100

# Attributes whose value a browser loads or follows as a URL.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "values",
    "to",
    "from",
}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# Attributes in which text from outside is expected, escaped, as a value.
TEXT_ATTRIBUTES = {"value", "title", "alt", "aria-label", "placeholder", "download"}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]")
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


def _url_scheme_text(value):
    """The URL as a browser reads its scheme: no whitespace or control characters, lower case."""
    return _IGNORED_IN_URLS.sub("", value).lower()


def injected_markup(html):
    """What in ``html`` came from a payload as markup rather than text; [] when nothing did.

    Looks for: a runnable script or a style sheet holding the marker, any on* event handler,
    a javascript:, data: or vbscript: URL in a URL attribute (as the browser reads it: entities
    decoded once, whitespace and control characters dropped, any case), and the marker in any
    other attribute than a text one (value, title, alt...): srcdoc, style, content...
    """
    if isinstance(html, bytes):
        html = html.decode()
    found = []
    for element in html5lib.parse(html, namespaceHTMLElements=False).iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = element.tag.rpartition("}")[2]  # SVG and MathML elements have a namespace
        body = element.text or ""
        if tag == "script":
            kind = element.get("type", "").strip().lower()
            body += element.get("src", "")
            if kind in EXECUTABLE_SCRIPT_TYPES and MARKER in body:
                found.append(f"<script> {body[:80]!r}")
        elif tag == "style" and MARKER in body:
            found.append(f"<style> {body[:80]!r}")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or MARKER.lower() in name:
                found.append(f"<{tag} {name}={value[:80]!r}>")
            elif name in URL_ATTRIBUTES:
                if _url_scheme_text(value).startswith(DANGEROUS_SCHEMES):
                    found.append(f"<{tag} {name}={value[:80]!r}>")
            elif MARKER in value and not (
                name in TEXT_ATTRIBUTES
                or name.startswith(("data-", "aria-"))
                or (name == "content" and is_text_meta(tag, element.attrib))
            ):
                found.append(f"<{tag} {name}={value[:80]!r}>")
    return found


def is_text_meta(tag, attributes):
    """A <meta> whose content is text for readers of the page (a description, an OpenGraph
    title), not an instruction to the browser (http-equiv: refresh, a policy)."""
    if tag != "meta" or "http-equiv" in attributes:
        return False
    kind = attributes.get("property") or attributes.get("name") or ""
    # og:url and og:image hold URLs: the marker in them is markup, not text.
    return bool(kind) and kind not in ("og:url", "og:image")


def link_targets(html):
    """The href of every link in ``html``, as the browser reads it."""
    root = html5lib.parse(html, namespaceHTMLElements=False)
    return [element.get("href") for element in root.iter("a") if element.get("href")]


def _normalised(text):
    # Control characters aside: where the app removes them (sochef_wagtail/text.py) the reader
    # gets the rest of the payload.
    return " ".join(clean_text(text).split())


def not_shown_as_text(payloads, html):
    """The payloads that do not reach the reader as the same characters, in the page's text or
    an attribute's value (escaped exactly once; a run of whitespace counts as one space, and
    control characters as none)."""
    if isinstance(html, bytes):
        html = html.decode()
    root = html5lib.parse(html, namespaceHTMLElements=False)
    values = [v for e in root.iter() if isinstance(e.tag, str) for v in e.attrib.values()]
    readable = [_normalised(text) for text in ["".join(root.itertext()), *values]]
    return [
        payload
        for payload in payloads
        if not any(_normalised(payload) in text for text in readable)
    ]
