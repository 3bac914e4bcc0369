"""Real static sites for audit regression tests, generated in test setup by real generators:
a documentation site by MkDocs with the Material theme and a blog by Pelican (theme
``notmyidea``). Each has clean pages and planted defects; :data:`MKDOCS_DEFECTS` and
:data:`PELICAN_DEFECTS` list the findings (rule, path) the audit must report.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

VOCABULARY = (
    "install configure deploy server client request response cache index token user account "
    "project module package release version branch commit review schedule report search query "
    "filter column table record field value default option setting profile account theme page "
    "layout template widget button form input output stream queue worker thread process memory "
    "storage volume backup restore migrate upgrade rollback monitor alert metric latency budget "
    "garden river mountain harbour village market bakery orchard meadow forest valley island "
    "summer winter autumn spring morning evening quickly carefully simply clearly often rarely"
)


def prose(seed: str, words: int = 260) -> str:
    """Deterministic, distinct filler text (one paragraph per 40 words)."""
    rng = random.Random(seed)
    pool = VOCABULARY.split()
    chosen = [rng.choice(pool) for _ in range(words)]
    paragraphs = [" ".join(chosen[i : i + 40]).capitalize() + "." for i in range(0, words, 40)]
    return "\n\n".join(paragraphs)


# -- MkDocs Material ---------------------------------------------------------------------------

MKDOCS_DEFECTS = {
    ("broken_internal_link", "/guide/usage/"),
    ("http_4xx", "/guide/usage/old-page.md"),
    ("image_missing_alt", "/guide/config/"),
    ("non_crawlable_link", "/guide/config/"),
    ("thin_content", "/guide/faq/"),
    ("near_duplicate", "/releases/one/"),
    ("near_duplicate", "/releases/two/"),
    ("orphan_page", "/hidden/"),  # not in the nav, only in the sitemap
}
MKDOCS_CLEAN = ("/", "/guide/install/", "/about/")


def build_mkdocs_site(folder: Path, site_url: str) -> Path:
    """Build the documentation site into ``folder / "site"`` and return that folder."""
    docs = folder / "docs"
    pages = {
        "index.md": f"# Acme documentation\n\n{prose('home')}\n\n[Install](guide/install.md)\n",
        "guide/install.md": f"# Installing Acme\n\n{prose('install')}\n",
        "guide/usage.md": (
            f"# Using Acme\n\n{prose('usage')}\n\nSee also the [old page](old-page.md).\n"
        ),
        "guide/config.md": (
            f"# Configuring Acme\n\n{prose('config')}\n\n"
            '<img src="/assets/images/favicon.png">\n\n'
            '<a href="javascript:openChat()">Chat with us</a>\n'
        ),
        "guide/faq.md": "# FAQ\n\nAsk us anything by mail. We answer within two days.\n",
        "releases/one.md": f"# Release one\n\n{prose('release notes', 300)}\n",
        "releases/two.md": f"# Release two\n\n{prose('release notes', 300)}\n",
        "about.md": f"# About Acme\n\n{prose('about')}\n",
        "hidden.md": f"# Hidden page\n\n{prose('hidden')}\n",
    }
    for name, text in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (folder / "mkdocs.yml").write_text(
        "site_name: Acme\n"
        f"site_url: {site_url}\n"
        "theme:\n  name: material\n"
        "not_in_nav: hidden.md\n"
        "validation:\n  links:\n    not_found: info\n"
        "nav:\n  - index.md\n  - Guide:\n    - guide/install.md\n    - guide/usage.md\n"
        "    - guide/config.md\n    - guide/faq.md\n  - Releases:\n    - releases/one.md\n"
        "    - releases/two.md\n  - about.md\n"
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", "mkdocs.yml"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return folder / "site"


# -- Pelican -----------------------------------------------------------------------------------

PELICAN_DEFECTS = {
    ("broken_internal_link", "/moving-house.html"),
    ("http_4xx", "/missing-post.html"),
    ("image_missing_alt", "/a-day-at-the-market.html"),
    ("image_missing_alt", "/category/news.html"),  # the archive shows the post in full
    ("image_missing_alt", "/tag/news.html"),
    ("duplicate_content", "/spring-recipes.html"),
    ("duplicate_content", "/spring-recipes-again.html"),
}
PELICAN_CLEAN = (  # the archives (home, tags, categories) list the same posts: true duplicates
    "/first-loaves.html",
    "/orchard-walk.html",
    "/winter-baking.html",
    "/harbour-bread.html",
)


def build_pelican_site(folder: Path, site_url: str) -> Path:
    """Build the blog into ``folder / "output"`` and return that folder."""
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    posts = {
        "first-loaves": ("First loaves", "bread", "", prose("first")),
        "orchard-walk": ("Orchard walk", "walks", "", prose("orchard")),
        "winter-baking": ("Winter baking", "bread", "", prose("winter")),
        "harbour-bread": ("Harbour bread", "walks", "", prose("harbour")),
        "moving-house": (
            "Moving house",
            "news",
            "",
            prose("moving") + "\n\nThe [old shop](/missing-post.html) has closed.",
        ),
        "a-day-at-the-market": (
            "A day at the market",
            "news",
            "",
            prose("market") + '\n\n<img src="/theme/images/icons/rss.png">',
        ),
        "spring-recipes": ("Spring recipes", "bread", "", prose("spring")),
        "spring-recipes-again": ("Spring recipes, again", "bread", "", prose("spring")),
    }
    for day, (slug, (title, category, _extra, body)) in enumerate(posts.items(), start=1):
        (content / f"{slug}.md").write_text(
            f"Title: {title}\nDate: 2026-03-{day:02d} 10:00\nCategory: {category}\n"
            f"Tags: baking, {category}\nSlug: {slug}\n\n{body}\n"
        )
    (folder / "pelicanconf.py").write_text(
        f"SITENAME = 'Bakery blog'\nSITEURL = {site_url.rstrip('/')!r}\nRELATIVE_URLS = False\n"
        "TIMEZONE = 'UTC'\nDEFAULT_LANG = 'en'\nDEFAULT_PAGINATION = 4\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
        "AUTHOR_FEED_RSS = None\nTRANSLATION_FEED_ATOM = None\n"
    )
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return folder / "output"
