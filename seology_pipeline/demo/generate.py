"""Writes the demo site's static files from :mod:`seology_pipeline.demo.pages`.

The generated files are committed, so the demo needs no generation step; run
``python -m seology_pipeline.demo.generate`` after editing the pages, and the test suite checks
that the committed files match.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from seology_pipeline.demo.pages import (
    NAV,
    ORIGIN,
    PAGES,
    SITEMAP_EXTRA,
    DemoPage,
)

SITE_DIR = Path(__file__).resolve().parent / "site"
STYLE = (
    "<style>body{font-family:Georgia,serif;margin:0;color:#2b2118}"
    "main{max-width:46rem;margin:0 auto;padding:1rem}"
    ".site-header,.site-footer{background:#f4ece1;padding:1rem}"
    ".site-header ul,.footer-links{display:flex;flex-wrap:wrap;gap:1rem;list-style:none}"
    "a{color:#8a3b12}.small{font-size:.8rem}</style>"
)

ROBOTS_TXT = f"""# Cedar Hollow Bakery
User-agent: *
Disallow: /admin/
Disallow: /cart/

User-agent: GPTBot
Disallow: /

Sitemap: {ORIGIN}/sitemap.xml
"""


def _inline(text: str) -> str:
    """Paragraph text: raw HTML is kept as written (the pages are ours, not crawled input)."""
    return text.strip()


def render_body(markup: str) -> str:
    """A tiny markup: blank-line blocks; ``## `` headings, ``- `` lists, ``<`` raw, else <p>."""
    out: list[str] = []
    for block in (b.strip() for b in markup.strip().split("\n\n")):
        if not block:
            continue
        heading = re.match(r"^(#{2,6}) (.+)$", block)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif block.startswith("- "):
            items = [line[2:] for line in block.splitlines()]
            out.append("<ul>\n" + "\n".join(f"  <li>{_inline(i)}</li>" for i in items) + "\n</ul>")
        elif block.startswith("<"):
            out.append(block)
        else:
            out.append(f"<p>{_inline(' '.join(block.split()))}</p>")
    return "\n".join(out)


def _head(page: DemoPage) -> str:
    lines = ['<meta charset="utf-8">']
    if page.viewport:
        lines.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    if page.title is not None:
        lines.append(f"<title>{html.escape(page.title, quote=False)}</title>")
    if page.description is not None:
        lines.append(f'<meta name="description" content="{html.escape(page.description)}">')
    if page.robots:
        lines.append(f'<meta name="robots" content="{page.robots}">')
    if page.canonical == "self":
        lines.append(f'<link rel="canonical" href="{ORIGIN}{page.path}">')
    elif page.canonical:
        lines.append(f'<link rel="canonical" href="{page.canonical}">')
    for code, path in page.hreflang:
        lines.append(f'<link rel="alternate" hreflang="{code}" href="{ORIGIN}{path}">')
    if page.title:
        lines.append(f'<meta property="og:title" content="{html.escape(page.title)}">')
        lines.append(f'<meta property="og:url" content="{ORIGIN}{page.path}">')
    lines.append(STYLE)
    if page.json_ld is not None:
        data = page.json_ld if isinstance(page.json_ld, str) else json.dumps(page.json_ld, indent=2)
        lines.append(f'<script type="application/ld+json">\n{data}\n</script>')
    lines.extend(page.head)
    return "\n".join(f"  {line}" for line in lines)


def _nav(current: str) -> str:
    items = []
    for label, href in NAV:
        attr = ' aria-current="page"' if href == current else ""
        items.append(f'      <li><a href="{href}"{attr}>{label}</a></li>')
    return "\n".join(items)


ASIDE = """<section class="visit">
  <h2>Visit the bakery</h2>
  <p>Our Mill Lane bakery is open Tuesday to Sunday from 7am to 4pm, and the Riverside shop on
  Quay Street is open every day from 7am to 6pm. Bread comes out of the oven from 6am, pastries at
  7am and again at 10am at weekends. Order online before 6pm and collect the next morning from
  either shop, or ask at the counter about our weekly bread subscription and our loyalty card.</p>
</section>"""

FOOTER = """  <footer class="site-footer">
    <div class="footer-cols">
      <div>
        <h2 class="footer-title">Cedar Hollow Bakery</h2>
        <p>14 Mill Lane, Millbrook · Open Tue–Sun, 7am–4pm<br>
        Riverside shop: 3 Quay Street · Open daily, 7am–6pm</p>
        <p>Call us on 01632 960 418 or write to hello@cedarhollowbakery.example</p>
      </div>
      <ul class="footer-links">
        <li><a href="/faq/">FAQ</a></li>
        <li><a href="/wholesale/">Wholesale</a></li>
        <li><a href="/careers/">Careers</a></li>
        <li><a href="/accessibility/">Accessibility</a></li>
        <li><a href="/privacy/">Privacy</a></li>
        <li><a href="/terms/">Terms</a></li>
        <li><a href="/admin/login/">Staff login</a></li>
      </ul>
    </div>
    <p class="small">© 2024 Cedar Hollow Bakery Ltd. Baked by hand in Millbrook since 1987.</p>
  </footer>"""


def render_page(page: DemoPage) -> str:
    """The full HTML document of ``page``."""
    lang = f' lang="{page.lang}"' if page.lang else ""
    h1 = f"    <h1>{page.h1}</h1>\n" if page.h1 else ""
    aside = f"{ASIDE}\n" if page.aside else ""
    script = f"  <script>\n{page.script.strip()}\n  </script>\n" if page.script else ""
    return f"""<!doctype html>
<html{lang}>
<head>
{_head(page)}
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/"><img src="/images/logo.png" alt="Cedar Hollow Bakery" \
width="160" height="48"></a>
    <nav aria-label="Main">
    <ul>
{_nav(page.path)}
    </ul>
    </nav>
  </header>
  <main>
{h1}{render_body(page.body)}
{aside}  </main>
{FOOTER}
{script}</body>
</html>
"""


def file_for(path: str) -> str:
    """Relative file name for a URL path: ``/about/`` → ``about/index.html``."""
    if path.endswith("/"):
        return f"{path.lstrip('/')}index.html"
    return path.lstrip("/")


def render_sitemap() -> str:
    urls = [p.path for p in PAGES if p.in_sitemap] + list(SITEMAP_EXTRA)
    entries = "\n".join(
        f"  <url>\n    <loc>{ORIGIN}{path}</loc>\n    <lastmod>2024-09-{10 + i % 18:02d}</lastmod>"
        f"\n  </url>"
        for i, path in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n</urlset>\n"
    )


def render_site() -> dict[str, str]:
    """Every file of the demo site: relative path → text."""
    files = {file_for(page.path): render_page(page) for page in PAGES}
    files["robots.txt"] = ROBOTS_TXT
    files["sitemap.xml"] = render_sitemap()
    return files


def write_site(target: Path = SITE_DIR) -> int:
    """Write the site under ``target``; returns the number of files."""
    files = render_site()
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)


if __name__ == "__main__":
    print(f"wrote {write_site()} files to {SITE_DIR}")
