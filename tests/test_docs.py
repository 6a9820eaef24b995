"""The README is the front page of the documentation in docs/: small, and every link of it leads
somewhere. (The pages of docs/ are checked by `mkdocs build --strict`, a step of ./run test.)"""

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
pytestmark = pytest.mark.db_independent

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def headings(path):
    text = FENCE.sub("", path.read_text())
    return [re.sub(r"[`*]", "", h).strip() for h in re.findall(r"^#{1,6} (.+)$", text, re.M)]


def anchors(path):
    """The anchors of the headings that MkDocs (Python-Markdown's toc) and GitHub make alike."""

    def mkdocs(text):
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())

    def github(text):
        return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")

    both = [(mkdocs(h), github(h)) for h in headings(path)]
    return {m for m, g in both if m == g}


def readme_links():
    return [t for t in LINK.findall(FENCE.sub("", README.read_text())) if "://" not in t]


def test_readme_is_at_most_15_kb():
    assert len(README.read_bytes()) <= 15 * 1024


def test_readme_links_lead_to_files_and_headings_that_exist():
    links = readme_links()
    assert any(link.startswith("docs/") for link in links)
    for link in links:
        target, _, anchor = link.partition("#")
        path = ROOT / target if target else README
        assert path.exists(), f"README links to {target}, which does not exist"
        if anchor:
            assert anchor in anchors(path), f"README links to #{anchor}, not a heading of {target}"


def test_readme_links_every_page_of_the_docs():
    linked = {ROOT / link.partition("#")[0] for link in readme_links()}
    pages = set((ROOT / "docs").rglob("*.md"))
    assert pages <= linked, sorted(str(p.relative_to(ROOT)) for p in pages - linked)


def code_blocks(text):
    return re.findall(r"^```\w*\n(.*?)^```", text, re.M | re.S)


def test_readme_installation_is_the_one_the_docs_describe():
    readme = README.read_text()
    install = readme[readme.index("## Install into your own Wagtail site") :]
    install = re.split(r"\n## ", install[3:])[0]
    docs = (ROOT / "docs" / "site" / "install.md").read_text()
    assert code_blocks(install), "README shows how to install"
    for block in code_blocks(install):
        assert block in code_blocks(docs), block
