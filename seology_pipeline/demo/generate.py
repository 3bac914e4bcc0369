"""Renders the demo site from its content file and templates: relative path → file text.

``python -m seology_pipeline.demo.generate FOLDER`` writes the files (to look at them); the demo
server renders them itself when it starts.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import jinja2

from seology_pipeline.demo.content import DemoContent, DemoPage, load_content

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("seology_pipeline.demo", "templates"),
    autoescape=False,  # the content is ours and holds HTML; text goes through the filters below
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
TEMPLATES.filters["escape_text"] = lambda text: html.escape(text, quote=False)
TEMPLATES.filters["escape_attr"] = html.escape
TEMPLATES.filters["json_ld"] = lambda data: (
    data if isinstance(data, str) else json.dumps(data, indent=2)
)


def file_for(path: str) -> str:
    """Relative file name for a URL path: ``/about/`` → ``about/index.html``."""
    if path.endswith("/"):
        return f"{path.lstrip('/')}index.html"
    return path.lstrip("/")


def render_page(page: DemoPage, content: DemoContent) -> str:
    """The full HTML document of ``page``."""
    nav = [{"label": label, "href": href} for label, href in content.nav]
    return TEMPLATES.get_template("page.html.j2").render(page=page, nav=nav, origin=content.origin)


def render_site(content: DemoContent | None = None) -> dict[str, str]:
    """Every file of the demo site: relative path → text."""
    content = content or load_content()
    files = {file_for(page.path): render_page(page, content) for page in content.pages}
    files["robots.txt"] = TEMPLATES.get_template("robots.txt.j2").render(origin=content.origin)
    urls = [page.path for page in content.pages if page.in_sitemap] + list(content.sitemap_extra)
    files["sitemap.xml"] = TEMPLATES.get_template("sitemap.xml.j2").render(
        origin=content.origin, urls=urls
    )
    return files


def write_site(target: Path) -> int:
    """Write the site under ``target``; returns the number of files."""
    files = render_site()
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-site")
    print(f"wrote {write_site(folder)} files to {folder}")
