"""Whether a crawl reached the site at all: an outage fails the run instead of replacing data."""

from __future__ import annotations

from dataclasses import dataclass

from seology_pipeline.crawl.records import ErrorKind, PageRecord, SiteFacts

PRIVATE_NETWORKS_SETTING = "SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS"


class SiteUnreachableError(RuntimeError):
    """The start URL got no HTTP answer, or every answer was a 5xx; never retried."""


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on a single line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(slots=True)
class Reachability:
    """Watches a crawl's records and tells at the end whether the site answered."""

    root_url: str
    home_error: str | None = None
    home_guarded: str | None = None
    answered: int = 0
    server_errors: int = 0
    last_server_status: int | None = None

    def add(self, record: PageRecord) -> None:
        if record.status is None:
            if record.depth == 0 and record.error_kind == ErrorKind.NETWORK_GUARD:
                self.home_guarded = one_line(record.error or "an internal address")
            elif record.depth == 0 and record.error_kind != ErrorKind.BLOCKED_BY_ROBOTS:
                kind = record.error_kind or ErrorKind.OTHER
                self.home_error = one_line(f"{kind}: {record.error or 'no answer'}")
        elif record.status >= 500:
            self.server_errors += 1
            self.last_server_status = record.status
        else:
            self.answered += 1

    def verify(self, facts: SiteFacts) -> None:
        """Raise :class:`SiteUnreachableError` (one line) when the crawl never reached the site."""
        if self.home_guarded is not None:
            raise SiteUnreachableError(
                f"site refused by the network guard: {self.home_guarded} (set"
                f" {PRIVATE_NETWORKS_SETTING}=true to crawl private addresses)"
            )
        robots = f"; robots.txt: {one_line(facts.robots_error)}" if facts.robots_error else ""
        if self.home_error is not None:
            raise SiteUnreachableError(
                f"site unreachable: {self.root_url} got no HTTP answer ({self.home_error}){robots}"
            )
        if self.server_errors and not self.answered:
            raise SiteUnreachableError(
                f"site unreachable: {self.root_url} answered HTTP {self.last_server_status} "
                f"to all {self.server_errors} requests{robots}"
            )
