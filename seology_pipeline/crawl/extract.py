"""Page field extraction, the same from raw HTML (selectolax) and from the rendered DOM (one
``evaluate`` of :data:`EXTRACT_JS`), into one :class:`~seology_pipeline.crawl.page_data.PageData`;
:func:`apply_page_data` turns it into :class:`PageRecord` fields.

Content follows what a visitor sees. Hidden subtrees (:data:`HIDDEN_SELECTOR`: ``hidden``,
``aria-hidden``, a closed ``<dialog>``, ``<template>``, ``<noscript>``, inline ``display:none`` or
``visibility:hidden``; in the browser also the computed style) give no text and no images. Main
text is the first visible ``<main>`` (or ``[role=main]``), else the page's one visible
``<article>`` (a list of several articles is an archive page: its body is the content), else
``<body>``, always without boilerplate (:data:`BOILERPLATE_SELECTOR`: scripts, navigation,
header, footer, aside, dialogs, cookie and consent banners). Word count, content hash and simhash
are computed from it. A link's anchor is its accessible name: ``aria-label``, else its text, else
an image's ``alt`` or an SVG ``<title>``, else its ``title`` attribute.
"""

from __future__ import annotations

import json
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from seology_pipeline.crawl import text as text_fp
from seology_pipeline.crawl.page_data import PageData
from seology_pipeline.crawl.records import (
    Hreflang,
    ImageRecord,
    JsonLdBlock,
    LinkRecord,
    PageRecord,
    TagText,
)
from seology_pipeline.crawl.urls import Scope, normalise

HIDDEN_SELECTOR = (
    "[hidden], [aria-hidden=true i], dialog:not([open]), template, noscript, "
    '[style*="display:none" i], [style*="display: none" i], '
    '[style*="visibility:hidden" i], [style*="visibility: hidden" i]'
)
BOILERPLATE_SELECTOR = (
    "script, style, svg, nav, header, footer, aside, [role=navigation], [role=banner], "
    "[role=contentinfo], [role=complementary], [role=dialog], [role=alertdialog], "
    "[aria-modal=true i], [id*=cookie i], [class*=cookie i], [id*=consent i], [class*=consent i]"
)
SUBRESOURCE_LINK_RELS = ("stylesheet", "preload", "modulepreload", "icon")
RESOURCE_SELECTOR = (
    "script[src], img[src], iframe[src], video[src], audio[src], source[src], track[src], "
    "embed[src], object[data], "
    + ", ".join(f"link[rel~={rel} i][href]" for rel in SUBRESOURCE_LINK_RELS)
)
_JS_REDIRECT = re.compile(
    r"(?:window\.|document\.|top\.)?location(?:\.href)?\s*=[^=]|location\.(?:replace|assign)\s*\("
)
_DATA_SCRIPT_TYPES = ("application/ld+json", "application/json", "text/template", "text/x-template")
_WS = re.compile(r"\s+")

EXTRACT_JS = """() => {
  const HIDDEN = %HIDDEN%, BOILERPLATE = %BOILERPLATE%;
  const inHead = (el) => el.closest('head') !== null;
  const txt = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const out = {titles: [], meta_descriptions: [], meta_robots: [], canonicals: [], hreflang: [],
    open_graph: {}, twitter: {}, json_ld: [], links: [], images: [], forms: [], resources: [],
    heading_levels: [], h1_texts: [], refresh: null, viewport: null, base: null,
    lang: document.documentElement.getAttribute('lang'), title: document.title,
    url: location.href};
  for (const t of document.querySelectorAll('title')) {
    if (!t.closest('svg')) out.titles.push([txt(t.textContent), inHead(t)]);
  }
  for (const m of document.querySelectorAll('meta')) {
    const name = (m.getAttribute('name') || '').toLowerCase();
    const prop = (m.getAttribute('property') || '').toLowerCase();
    const equiv = (m.getAttribute('http-equiv') || '').toLowerCase();
    const content = m.getAttribute('content') || '';
    if (name === 'description') out.meta_descriptions.push([txt(content), inHead(m)]);
    else if (name === 'robots') out.meta_robots.push(content);
    else if (name === 'viewport' && out.viewport === null) out.viewport = content;
    if (prop.startsWith('og:') && !(prop in out.open_graph)) out.open_graph[prop] = content;
    const tw = name.startsWith('twitter:') ? name : (prop.startsWith('twitter:') ? prop : null);
    if (tw && !(tw in out.twitter)) out.twitter[tw] = content;
    if (equiv === 'refresh' && out.refresh === null) out.refresh = content;
  }
  for (const l of document.querySelectorAll('link[rel]')) {
    const rel = l.getAttribute('rel').toLowerCase().split(/\\s+/);
    if (rel.includes('canonical')) out.canonicals.push([l.getAttribute('href') || '', inHead(l)]);
    if (rel.includes('alternate') && l.hasAttribute('hreflang'))
      out.hreflang.push([l.getAttribute('hreflang'), l.getAttribute('href') || '']);
  }
  const base = document.querySelector('base[href]');
  if (base) out.base = base.getAttribute('href');
  for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6')) {
    const level = Number(h.tagName[1]);
    out.heading_levels.push(level);
    if (level === 1) out.h1_texts.push(txt(h.textContent));
  }
  for (const s of document.querySelectorAll('script')) {
    if ((s.getAttribute('type') || '').toLowerCase().split(';')[0].trim() === 'application/ld+json')
      out.json_ld.push(s.textContent);
  }
  for (const a of document.querySelectorAll('a')) {
    const img = a.querySelector('img[alt]');
    const svgTitle = a.querySelector('svg title');
    const name = txt(a.getAttribute('aria-label')) || txt(a.textContent) ||
      (img ? txt(img.getAttribute('alt')) : '') || (svgTitle ? txt(svgTitle.textContent) : '') ||
      txt(a.getAttribute('title'));
    const href = a.getAttribute('href');
    const role = (a.getAttribute('role') || '').trim().toLowerCase();
    const kind = role === 'button' ? 'button' : (a.hasAttribute('onclick') ? 'click' :
      (href === null && (a.hasAttribute('name') || a.hasAttribute('id')) ? 'target' : ''));
    out.links.push([href, name, a.getAttribute('rel') || '', kind]);
  }
  const hidden = (el) => el.matches(HIDDEN) || (() => {
    const style = getComputedStyle(el);
    return style.display === 'none' || style.visibility === 'hidden';
  })();
  const shown = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) if (hidden(n)) return false;
    return true;
  };
  for (const i of document.querySelectorAll('img')) {
    if (!shown(i)) continue;
    out.images.push([i.getAttribute('src') || i.getAttribute('data-src'), i.getAttribute('alt'),
      i.getAttribute('width'), i.getAttribute('height')]);
  }
  for (const f of document.querySelectorAll('form')) out.forms.push(f.getAttribute('action') || '');
  for (const r of document.querySelectorAll('%RESOURCES%')) {
    const tag = r.localName;
    const v = r.getAttribute(tag === 'object' ? 'data' : (tag === 'link' ? 'href' : 'src'));
    if (v) out.resources.push(v);
  }
  const mains = [...document.querySelectorAll('main, [role=main]')].filter(shown);
  const articles = [...document.querySelectorAll('article')].filter(shown);
  const root = mains[0] || (articles.length === 1 ? articles[0] : null) || document.body ||
    document.documentElement;
  const parts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.nodeType === 3 ? NodeFilter.FILTER_ACCEPT :
      (n.matches(BOILERPLATE) || hidden(n) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP)});
  while (walker.nextNode()) parts.push(walker.currentNode.data);
  out.text = parts.join(' ');
  return out;
}"""
for _name, _value in (
    ("%RESOURCES%", RESOURCE_SELECTOR),
    ("%HIDDEN%", json.dumps(HIDDEN_SELECTOR)),
    ("%BOILERPLATE%", json.dumps(BOILERPLATE_SELECTOR)),
):
    EXTRACT_JS = EXTRACT_JS.replace(_name, _value)


def _clean(value: str | None) -> str:
    return _WS.sub(" ", value or "").strip()


def _inside(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _top_level(nodes: list[LexborNode]) -> list[LexborNode]:
    """``nodes`` without those inside another of them (so each subtree is removed once)."""
    ids = {node.mem_id for node in nodes}
    kept = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept


def _remove(root: LexborNode, selector: str) -> None:
    for node in _top_level(root.css(selector)):
        node.decompose()


def _link(node: LexborNode) -> list[Any]:
    a = node.attributes
    name = _clean(a.get("aria-label")) or _clean(node.text())
    if not name:
        img = node.css_first("img[alt]")
        svg_title = node.css_first("svg title")
        name = (
            (_clean(img.attributes.get("alt")) if img is not None else "")
            or (_clean(svg_title.text()) if svg_title is not None else "")
            or _clean(a.get("title"))
        )
    href = a.get("href") if "href" in a else None
    if (a.get("role") or "").strip().lower() == "button":
        kind = "button"
    elif "onclick" in a:
        kind = "click"
    elif href is None and ("name" in a or "id" in a):
        kind = "target"
    else:
        kind = ""
    return [href, name, a.get("rel") or "", kind]


def parse_html(html: str) -> PageData:
    """Extract the page fields from raw HTML, plus hints used to decide whether to render."""
    tree = LexborHTMLParser(html)
    out: PageData = {
        "titles": [],
        "meta_descriptions": [],
        "meta_robots": [],
        "canonicals": [],
        "hreflang": [],
        "open_graph": {},
        "twitter": {},
        "json_ld": [],
        "links": [],
        "images": [],
        "forms": [],
        "resources": [],
        "heading_levels": [],
        "h1_texts": [],
        "refresh": None,
        "viewport": None,
        "base": None,
        "lang": None,
        "text": "",
    }
    html_node = tree.css_first("html")
    if html_node is not None:
        out["lang"] = html_node.attributes.get("lang")
    for node in tree.css("title"):
        if not _inside(node, "svg"):
            out["titles"].append([_clean(node.text()), _inside(node, "head")])
    for node in tree.css("meta"):
        attrs = {k.lower(): v or "" for k, v in node.attributes.items()}
        name, prop = attrs.get("name", "").lower(), attrs.get("property", "").lower()
        content = attrs.get("content", "")
        if name == "description":
            out["meta_descriptions"].append([_clean(content), _inside(node, "head")])
        elif name == "robots":
            out["meta_robots"].append(content)
        elif name == "viewport" and out["viewport"] is None:
            out["viewport"] = content
        if prop.startswith("og:"):
            out["open_graph"].setdefault(prop, content)
        twitter = name if name.startswith("twitter:") else prop
        if twitter.startswith("twitter:"):
            out["twitter"].setdefault(twitter, content)
        if attrs.get("http-equiv", "").lower() == "refresh" and out["refresh"] is None:
            out["refresh"] = content
    for node in tree.css("link[rel]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        href = node.attributes.get("href") or ""
        if "canonical" in rel:
            out["canonicals"].append([href, _inside(node, "head")])
        if "alternate" in rel and "hreflang" in node.attributes:
            out["hreflang"].append([node.attributes.get("hreflang") or "", href])
    base = tree.css_first("base[href]")
    if base is not None:
        out["base"] = base.attributes.get("href")
    for node in tree.css("h1, h2, h3, h4, h5, h6"):
        level = int(node.tag[1])
        out["heading_levels"].append(level)
        if level == 1:
            out["h1_texts"].append(_clean(node.text()))
    scripts = 0
    js_redirect = False
    for node in tree.css("script"):
        kind = (node.attributes.get("type") or "").lower().split(";")[0].strip()
        if kind == "application/ld+json":
            out["json_ld"].append(node.text())
        elif kind not in _DATA_SCRIPT_TYPES:
            scripts += 1
            js_redirect = js_redirect or bool(_JS_REDIRECT.search(node.text()))
    out["links"] = [_link(node) for node in tree.css("a")]
    out["forms"] = [node.attributes.get("action") or "" for node in tree.css("form")]
    for node in tree.css(RESOURCE_SELECTOR):
        attr = {"object": "data", "link": "href"}.get(node.tag or "", "src")
        if node.attributes.get(attr):
            out["resources"].append(node.attributes[attr] or "")
    mount = tree.css_first("#root, #app, #__next, #___gatsby, [data-reactroot], app-root")
    out["hints"] = {
        "scripts": scripts,
        "js_redirect": js_redirect,
        "empty_mount": mount is not None and not _clean(mount.text()),
        "noscript": " ".join(n.text() for n in tree.css("noscript")).lower(),
    }
    document = tree.root
    if document is None:
        return out
    _remove(document, HIDDEN_SELECTOR)
    for node in tree.css("img"):
        a = node.attributes
        out["images"].append(
            [a.get("src") or a.get("data-src"), a.get("alt"), a.get("width"), a.get("height")]
        )
    articles = tree.css("article")
    root = (
        tree.css_first("main, [role=main]")
        or (articles[0] if len(articles) == 1 else None)
        or tree.body
        or document
    )
    _remove(root, BOILERPLATE_SELECTOR)
    out["text"] = root.text(separator=" ")
    return out


def needs_javascript(data: PageData) -> bool:
    """Whether a raw page probably shows its title, links or content only after scripts run."""
    hints = data.get("hints") or {}
    if not hints.get("scripts"):
        return False
    title = data["titles"][0][0] if data["titles"] else ""
    crawlable = [link for link in data["links"] if link[0] and not link[0].startswith("#")]
    return (
        not title
        or not crawlable
        or hints.get("js_redirect", False)
        or hints.get("empty_mount", False)
        or "javascript" in hints.get("noscript", "")
        or len(data["text"].split()) < 20
    )


def parse_refresh(content: str | None) -> str | None:
    """The target of a meta refresh ``content`` value (``"0; url=/next"``), if it has one."""
    if not content:
        return None
    match = re.search(r"url\s*=\s*(['\"]?)(.+?)\1\s*$", content, re.IGNORECASE)
    return match.group(2).strip() if match else None


def json_ld_blocks(raw_blocks: list[str]) -> list[JsonLdBlock]:
    blocks = []
    for raw in raw_blocks:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            blocks.append(JsonLdBlock(error=f"invalid JSON: {exc}"))
            continue
        blocks.append(JsonLdBlock(types=_ld_types(data), data=data))
    return blocks


def _ld_types(data: Any) -> list[str]:
    found: list[str] = []
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = item.get("@type")
        found.extend(str(k) for k in (kind if isinstance(kind, list) else [kind]) if k)
        if isinstance(item.get("@graph"), list):
            found.extend(_ld_types(item["@graph"]))
    return found


def apply_page_data(record: PageRecord, data: PageData, scope: Scope) -> None:
    """Fill ``record``'s page fields from extracted ``data``; URLs resolve against the final URL."""
    page_url = record.final_url or record.url
    strip = scope.settings.strip_query_params
    base = normalise(data["base"], page_url) if data.get("base") else None
    base = base or page_url
    record.titles = [TagText(t, bool(h)) for t, h in data["titles"]]
    record.meta_descriptions = [TagText(t, bool(h)) for t, h in data["meta_descriptions"]]
    record.meta_robots = list(data["meta_robots"])
    record.canonicals = [
        TagText(normalise(href, base) or href, bool(h)) for href, h in data["canonicals"]
    ]
    levels = [int(v) for v in data["heading_levels"]]
    record.heading_levels = levels
    record.heading_counts = {f"h{n}": levels.count(n) for n in range(1, 7)}
    record.h1_texts = list(data["h1_texts"])
    record.lang = data["lang"]
    record.viewport = data["viewport"]
    record.canonical_href = data["canonicals"][0][0] if data["canonicals"] else None
    record.hreflang = [
        Hreflang(lang, normalise(href, base) or href, href) for lang, href in data["hreflang"]
    ]
    record.open_graph = dict(data["open_graph"])
    record.twitter = dict(data["twitter"])
    record.json_ld = json_ld_blocks(data["json_ld"])
    main_text = data["text"] or ""
    record.word_count, record.content_hash, record.simhash = text_fp.fingerprint(main_text)
    record.links = [
        _link_record(href, anchor, rel, kind, base, scope, strip)
        for href, anchor, rel, kind in data["links"]
    ]
    record.images = [
        ImageRecord(normalise(src, base) if src else None, alt, width, height)
        for src, alt, width, height in data["images"]
    ]
    record.form_actions = [normalise(action, base) or action for action in data["forms"]]
    if page_url.startswith("https:"):
        resolved = (normalise(u, base) for u in data["resources"])
        record.insecure_resources = sorted({u for u in resolved if u and u.startswith("http:")})
    else:
        record.insecure_resources = []


def _link_record(
    href: str | None,
    anchor: str,
    rel: str,
    kind: str,
    base: str,
    scope: Scope,
    strip: tuple[str, ...],
) -> LinkRecord:
    url = normalise(href, base, strip) if href is not None else None
    return LinkRecord(
        href=href,
        url=url,
        anchor=anchor,
        rel=rel.strip().lower(),
        internal=url is None or scope.is_internal(url),
        crawlable=url is not None,
        kind=kind,
    )
