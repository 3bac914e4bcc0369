"""When a crawl counts as having reached the site."""

from __future__ import annotations

import pytest

from seology_pipeline.crawl.records import ErrorKind, PageRecord, SiteFacts
from seology_pipeline.runs.reachability import Reachability, SiteUnreachableError, one_line

ROOT = "https://shop.example/"


def _check(*records: PageRecord, robots_error: str | None = None) -> None:
    reachability = Reachability(ROOT)
    for record in records:
        reachability.add(record)
    reachability.verify(SiteFacts(root_url=ROOT, robots_error=robots_error))


def test_no_answer_at_the_start_url_is_unreachable_in_one_line() -> None:
    home = PageRecord(ROOT, error_kind=ErrorKind.DNS, error="Name or service\nnot known")
    with pytest.raises(SiteUnreachableError) as raised:
        _check(home, robots_error="dns: Name or service not known")
    assert str(raised.value) == (
        f"site unreachable: {ROOT} got no HTTP answer (dns: Name or service not known); "
        "robots.txt: dns: Name or service not known"
    )


def test_only_server_errors_is_unreachable() -> None:
    pages = [PageRecord(f"{ROOT}{n}", depth=min(n, 1), status=503) for n in range(3)]
    with pytest.raises(SiteUnreachableError, match="answered HTTP 503 to all 3 requests"):
        _check(*pages)


@pytest.mark.parametrize(
    "records",
    [
        [PageRecord(ROOT, status=200)],
        [PageRecord(ROOT, status=404)],
        [PageRecord(ROOT, status=500), PageRecord(f"{ROOT}a", depth=1, status=200)],
        [PageRecord(ROOT, error_kind=ErrorKind.BLOCKED_BY_ROBOTS, error="disallowed")],
        [
            PageRecord(ROOT, status=200),
            PageRecord(f"{ROOT}a", depth=1, error_kind=ErrorKind.TIMEOUT),
        ],
    ],
)
def test_any_answer_or_a_robots_block_is_reachable(records: list[PageRecord]) -> None:
    _check(*records, robots_error="robots.txt answered HTTP 503")


def test_one_line_flattens_and_clips() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    assert one_line("x" * 10, limit=5) == "xxxx…"
