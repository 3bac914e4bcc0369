"""Site-wide view of one crawl, built once with pandas and shared by every rule.

Pages get a row each (status, indexability, canonical, normalised title/description/h1, content
hash, simhash, depth, sitemap flag); internal crawlable links become integer edges
(source row → target row, ``-1`` when the target was not crawled). Rules read these frames
instead of re-scanning records, which keeps a 100,000-page audit linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urldefrag, urljoin, urlsplit

import numpy as np
import pandas as pd

from seology_pipeline.audit.config import AuditConfig
from seology_pipeline.audit.neardup import near_duplicate_groups, sorted_unique
from seology_pipeline.crawl.records import ErrorKind, PageRecord, SiteFacts

_SPACES = re.compile(r"\s+")


def host_key(url: str) -> str:
    """The host of ``url``, lower-cased and without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def normalise_text(text: str | None) -> str:
    """Lower-cased, whitespace-collapsed text used to group duplicates ('' when missing)."""
    return _SPACES.sub(" ", text).strip().lower() if text else ""


def resolve_url(base: str, href: str) -> str:
    """``href`` made absolute against ``base``, without its fragment."""
    href = href.strip()
    if href.startswith(("https://", "http://")) and "#" not in href and "/." not in href:
        return href  # already absolute and normal: skip the (slow) urljoin
    return urldefrag(urljoin(base, href))[0]


@dataclass(slots=True)
class DuplicateGroup:
    size: int
    urls: list[str]


class AuditContext:
    """One crawl's pages, links and facts, plus the lookups rules share."""

    def __init__(self, records: list[PageRecord], facts: SiteFacts, config: AuditConfig) -> None:
        self.facts = facts
        self.config = config
        site_hosts = {host_key(facts.root_url)}
        if facts.final_root_url:
            site_hosts.add(host_key(facts.final_root_url))
        self.pages: list[PageRecord] = []
        self.external: dict[str, PageRecord] = {}
        for record in records:
            if host_key(record.url) in site_hosts:
                self.pages.append(record)
            else:
                self.external[record.url] = record
        self.site_hosts = site_hosts
        self.by_url: dict[str, int] = {}
        for i, page in enumerate(self.pages):
            self.by_url.setdefault(page.url, i)
        self.sitemap_urls = set(facts.sitemap_pages)
        self.frame = self._page_frame()
        self.links = self._link_frame()
        self.home = self._home_index()
        self._columns: dict[str, np.ndarray] = {}
        self.current_rule: str | None = None
        self.page_errors: dict[str, list[str]] = {}

    # -- construction -------------------------------------------------------------------------

    def _page_frame(self) -> pd.DataFrame:
        rows = []
        for page in self.pages:
            base = page.final_url or page.url
            canonical = resolve_url(base, page.canonical) if page.canonical else None
            status = page.status
            redirected = bool(page.redirect_chain) or page.redirect_loop
            blocked = page.error_kind == ErrorKind.BLOCKED_BY_ROBOTS
            noindex = page.noindex
            canonical_other = canonical is not None and canonical not in (page.url, base)
            html_ok = page.is_html and status == 200
            simhash = page.simhash
            rows.append(
                (
                    page.url,
                    status if status is not None else -1,
                    redirected,
                    html_ok,
                    noindex,
                    canonical,
                    canonical_other,
                    blocked,
                    page.in_sitemap or page.url in self.sitemap_urls,
                    page.depth,
                    normalise_text(page.title),
                    normalise_text(page.meta_description),
                    normalise_text(page.h1_texts[0]) if page.h1_texts else "",
                    page.content_hash or "",
                    -1 if simhash is None else simhash & 0xFFFF_FFFF_FFFF_FFFF,
                )
            )
        frame = pd.DataFrame.from_records(
            rows,
            columns=[
                "url",
                "status",
                "redirected",
                "html_ok",
                "noindex",
                "canonical",
                "canonical_other",
                "blocked",
                "in_sitemap",
                "depth",
                "title_key",
                "desc_key",
                "h1_key",
                "content_hash",
                "simhash",
            ],
        )
        frame["canonicalised"] = frame["canonical_other"] & self._valid_canonical_targets(frame)
        frame["indexable"] = (
            frame["html_ok"]
            & ~frame["redirected"]
            & ~frame["noindex"]
            & ~frame["canonicalised"]
            & ~frame["blocked"]
        )
        return frame

    def _valid_canonical_targets(self, frame: pd.DataFrame) -> np.ndarray:
        """Per row: whether its canonical target may be trusted (crawled: 200 HTML, no redirect,
        not noindex, not blocked; not crawled, e.g. on another host: trusted)."""
        valid = np.ones(len(frame), dtype=bool)
        ok = frame["html_ok"] & ~frame["redirected"] & ~frame["noindex"] & ~frame["blocked"]
        ok = ok.to_numpy()
        canonicals = frame["canonical"].to_numpy()
        for i in np.flatnonzero(frame["canonical_other"].to_numpy()):
            j = self.by_url.get(canonicals[i])
            if j is not None:
                valid[i] = ok[j]
        return valid

    def _link_frame(self) -> pd.DataFrame:
        """Internal crawlable links as rows ``src`` → ``dst`` (``-1``: target not crawled).

        Anchors and URLs stay on the records; :meth:`anchor` fetches one when evidence needs it.
        """
        get = self.by_url.get
        targets: list[int] = []
        counts: list[int] = []
        for page in self.pages:
            found = [
                get(lk.url, -1) for lk in page.links if lk.internal and lk.crawlable and lk.url
            ]
            targets.extend(found)
            counts.append(len(found))
        return pd.DataFrame(
            {
                "src": np.repeat(np.arange(len(self.pages), dtype=np.int64), counts),
                "dst": np.asarray(targets, dtype=np.int64),
            }
        )

    def anchor(self, src: int, target: str) -> str:
        """Anchor text of the first link from row ``src`` to ``target``."""
        return next((lk.anchor for lk in self.pages[src].links if lk.url == target), "")

    def _home_index(self) -> int | None:
        for url in (self.facts.root_url, self.facts.final_root_url):
            if url and url in self.by_url:
                return self.by_url[url]
        return 0 if self.pages and self.pages[0].depth == 0 else None

    # -- shared analyses -----------------------------------------------------------------------

    def col(self, name: str) -> np.ndarray:
        """A page-frame column as a NumPy array (cached: rules index it row by row)."""
        if name not in self._columns:
            self._columns[name] = self.frame[name].to_numpy()
        return self._columns[name]

    def record_page_error(self, url: str, exc: Exception) -> None:
        """Note that the running rule failed on one page (reported with the rule failures)."""
        key = self.current_rule or "?"
        self.page_errors.setdefault(key, []).append(f"{url}: {type(exc).__name__}: {exc}")

    @property
    def indexable(self) -> np.ndarray:
        return self.col("indexable")

    @cached_property
    def indexable_count(self) -> int:
        return int(self.indexable.sum())

    @cached_property
    def non_indexable_urls(self) -> frozenset[str]:
        """Pages that are noindex or canonicalised elsewhere (for severity de-escalation)."""
        f = self.frame
        return frozenset(f.loc[f["noindex"] | f["canonicalised"], "url"])

    @cached_property
    def inlinks(self) -> np.ndarray:
        """Distinct internal pages linking to each page (self-links not counted)."""
        src = self.links["src"].to_numpy()
        dst = self.links["dst"].to_numpy()
        keep = (dst >= 0) & (src != dst)
        edges = sorted_unique(src[keep] * len(self.pages) + dst[keep])
        return np.bincount(edges % max(1, len(self.pages)), minlength=len(self.pages))

    @cached_property
    def content_pages(self) -> list[int]:
        """Rows whose own URL answered 200 with HTML (redirect sources excluded when their
        target is crawled too, so content is judged once)."""
        f = self.frame
        result = []
        for i in np.flatnonzero(f["html_ok"].to_numpy()):
            page = self.pages[i]
            if page.redirect_chain and page.final_url in self.by_url:
                continue
            result.append(int(i))
        return result

    def duplicate_groups(self, column: str) -> dict[int, DuplicateGroup]:
        """Indexable rows sharing a non-empty ``column`` value, mapped to their group."""
        f = self.frame.loc[self.indexable & (self.frame[column] != ""), ["url", column]]
        dup = f[f.duplicated(column, keep=False)]
        result: dict[int, DuplicateGroup] = {}
        limit = self.config.max_evidence_items
        for _, group in dup.groupby(column, sort=False):
            info = DuplicateGroup(size=len(group), urls=group["url"].head(limit).tolist())
            for row in group.index:
                result[int(row)] = info
        return result

    @cached_property
    def near_duplicates(self) -> dict[int, tuple[int, list[int]]]:
        """Indexable rows in a near-duplicate group: row → (group id, member rows)."""
        f = self.frame
        mask = self.indexable & (f["simhash"].to_numpy() >= 0)
        rows = np.flatnonzero(mask)
        hashes = f["simhash"].to_numpy()[rows].astype(np.uint64)
        groups = near_duplicate_groups(
            hashes,
            self.config.near_duplicate_max_distance,
            window=self.config.near_duplicate_window,
        )
        result: dict[int, tuple[int, list[int]]] = {}
        for gid, members in enumerate(groups):
            member_rows = [int(rows[m]) for m in members]
            hashes_in_group = {f.at[r, "content_hash"] for r in member_rows}
            if len(hashes_in_group) < 2 and "" not in hashes_in_group:
                continue  # all exact duplicates: reported by duplicate_content
            for r in member_rows:
                result[r] = (gid, member_rows)
        return result

    def is_home(self, url: str | None) -> bool:
        return self.home is not None and url == self.pages[self.home].url
