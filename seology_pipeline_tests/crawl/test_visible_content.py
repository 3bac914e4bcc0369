"""Both extractors (raw HTML and in-page JavaScript in real Chromium) read what a visitor sees,
fill one schema, and agree with each other on themes with hidden or boilerplate markup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from seology_pipeline.crawl.extract import EXTRACT_JS, parse_html
from seology_pipeline.crawl.page_data import LINK_KINDS, PAGE_DATA, PageData

ARTICLE = " ".join(f"word{n}" for n in range(60))

THEMES = {
    # A theme's search modal holds a hidden <main>; the visible article is the content.
    "hidden_modal_main": f"""<html><body>
      <div class="modal" hidden><main><h2>Search</h2><p>Type to start searching</p></main></div>
      <div class="page"><article><h1>Post</h1><p>{ARTICLE}</p></article></div>
      </body></html>""",
    "closed_dialog_main": f"""<html><body>
      <dialog id="login"><main><p>Sign in with your account</p></main></dialog>
      <main><p>{ARTICLE}</p></main></body></html>""",
    "aria_hidden_and_inline_style": f"""<html><body>
      <main style="display: none"><p>Old layout words</p></main>
      <main><p>{ARTICLE}</p><div aria-hidden="true">Decorative quote</div>
      <p style="visibility:hidden">Invisible words</p></main></body></html>""",
    "off_canvas_nav_and_cookie_banner": f"""<html><body>
      <div class="offcanvas" aria-hidden="true"><ul><li>Shop</li><li>Blog</li></ul></div>
      <header><a href="/">Brand</a></header>
      <div id="cookie-notice" class="CookieConsent">We use cookies. <button>Accept</button></div>
      <div class="wrap"><p>{ARTICLE}</p></div>
      <div role="dialog"><p>Subscribe to our newsletter</p></div>
      <template><p>Template words</p></template><noscript>Enable JavaScript</noscript>
      <footer>Copyright</footer></body></html>""",
}
LINKS = """<html><body><main><p>Links</p>
  <a href="/a" aria-label="Open menu"><span class="icon"></span></a>
  <a href="/b" title="Search"></a>
  <a href="/c"><img src="/logo.png" alt="Home"></a>
  <a href="/d"><svg viewBox="0 0 1 1"><title>GitHub</title></svg></a>
  <a href="/e"></a>
  <a href="mailto:hi@example.com">Mail</a>
  <a name="top"></a>
  <a role="button" href="#">Toggle</a>
  <a onclick="go()">Click only</a>
  <a href="javascript:void(0)">Script</a>
  <img src="/shown.png" alt="">
  <div hidden><img src="/hidden.png"></div>
  <img src="/none.png" style="display:none">
</main></body></html>"""


@pytest.fixture(scope="module")
def browser(browser_executable: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable)
        yield browser
        browser.close()


def _rendered(browser: Browser, html: str) -> PageData:
    page = browser.new_page(java_script_enabled=True)
    try:
        page.set_content(html)
        return page.evaluate(EXTRACT_JS)
    finally:
        page.close()


def _both(browser: Browser, html: str) -> tuple[PageData, PageData]:
    raw, rendered = parse_html(html), _rendered(browser, html)
    return PAGE_DATA.validate_python(raw, strict=False), PAGE_DATA.validate_python(rendered)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_main_text_is_the_visible_content(browser: Browser, theme: str) -> None:
    for data in _both(browser, THEMES[theme]):
        words = data["text"].split()
        assert [w for w in words if w.startswith("word")] == ARTICLE.split(), theme
        extra = [w for w in words if not w.startswith("word")]
        assert extra in ([], ["Post"]), (theme, extra)


def test_links_named_and_classified_alike(browser: Browser) -> None:
    raw, rendered = _both(browser, LINKS)
    assert raw["links"] == rendered["links"]
    named = {href: (name, kind) for href, name, _rel, kind in raw["links"]}
    assert named["/a"] == ("Open menu", "")
    assert named["/b"] == ("Search", "")
    assert named["/c"] == ("Home", "")
    assert named["/d"] == ("GitHub", "")
    assert named["/e"] == ("", "")
    assert named["#"] == ("Toggle", "button")
    kinds = [(href, kind) for href, _n, _r, kind in raw["links"] if href is None]
    assert kinds == [(None, "target"), (None, "click")]
    assert {kind for *_x, kind in raw["links"]} <= set(LINK_KINDS)


def test_hidden_images_are_not_reported(browser: Browser) -> None:
    raw, rendered = _both(browser, LINKS)
    for data in (raw, rendered):
        assert [img[0] for img in data["images"]] == ["/logo.png", "/shown.png"]


def test_both_extractors_fill_every_field_of_the_schema(browser: Browser) -> None:
    required = set(PageData.__required_keys__)
    raw, rendered = parse_html(LINKS), _rendered(browser, LINKS)
    assert required <= set(raw) and required <= set(rendered)
    assert set(raw) - required == {"hints"}
    assert set(rendered) - required == {"title", "url"}
    with pytest.raises(ValueError):
        PAGE_DATA.validate_python({**raw, "links": [["/x", "name"]]})


def test_subresources_only_count_as_resources() -> None:
    data = parse_html(
        """<html><head><link rel="canonical" href="http://x.example/">
        <link rel="alternate" hreflang="de" href="http://x.example/de">
        <link rel="stylesheet" href="http://cdn.example/s.css">
        <link rel="preload" as="font" href="http://cdn.example/f.woff2">
        <meta property="og:image" content="http://x.example/og.png"></head>
        <body><a href="http://x.example/old">Old</a><img src="http://x.example/i.png" alt="">
        <iframe src="http://x.example/frame"></iframe></body></html>"""
    )
    assert data["resources"] == [
        "http://cdn.example/s.css",
        "http://cdn.example/f.woff2",
        "http://x.example/i.png",
        "http://x.example/frame",
    ]


def test_an_archive_of_several_articles_is_read_whole(browser: Browser) -> None:
    html = """<html><body><header><h1>Blog</h1></header><section>
      <article><h2>One</h2><p>alpha beta</p></article>
      <article><h2>Two</h2><p>gamma delta</p></article></section></body></html>"""
    for data in _both(browser, html):
        assert data["text"].split() == ["One", "alpha", "beta", "Two", "gamma", "delta"]
