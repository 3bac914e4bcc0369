"""The audit rules, one module per theme; :mod:`seology_pipeline.audit.rules` lists them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from seology_pipeline.audit.base import Check, Hit
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord

PageCheck = Callable[[AuditContext, int, PageRecord], Hit | Iterable[Hit] | None]


def per_page(fn: PageCheck, *, content_only: bool = True) -> Check:
    """A site check running ``fn`` on each page (by default: pages that answered 200 with HTML).

    One page that makes ``fn`` raise is recorded on the context and skipped; the rest still run.
    """

    def check(ctx: AuditContext) -> Iterator[Hit]:
        rows = ctx.content_pages if content_only else range(len(ctx.pages))
        pages = ctx.pages
        for i in rows:
            try:
                result = fn(ctx, i, pages[i])
            except Exception as exc:  # one odd page must not hide the rule's other findings
                ctx.record_page_error(pages[i].url, exc)
                continue
            if result is None:
                continue
            if isinstance(result, Hit):
                yield result
            else:
                yield from result

    check.__doc__ = fn.__doc__
    return check


def sample(values: Iterable, ctx: AuditContext) -> list:
    """The first ``max_evidence_items`` values (evidence stays small on huge sites)."""
    out = []
    for value in values:
        if len(out) >= ctx.config.max_evidence_items:
            break
        out.append(value)
    return out


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
