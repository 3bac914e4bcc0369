"""Politeness on loopback servers answering 429/503: re-queue of one URL, adaptive slowdown of a
host whose errors keep coming, and the politeness budget (order and counts, not time)."""

from __future__ import annotations

import asyncio
import itertools

from seology_pipeline.crawl.politeness import HostGate, PolitenessBudget
from seology_pipeline_tests.crawl.conftest import crawl, settings_for
from seology_pipeline_tests.sites import Request, Response, page, serve_site


def _links(*paths: str) -> str:
    return "".join(f'<a href="{p}">{p}</a>' for p in paths)


def _overloaded_first(times: int, status: int = 503, retry_after: str = "1"):
    """A route answering ``status`` with ``Retry-After`` its first ``times`` calls, then 200."""
    calls = itertools.count()

    def route(request: Request) -> Response:
        if next(calls) < times:
            return Response(status, {"Retry-After": retry_after}, "busy")
        return page(f"<title>{request.path}</title>")

    return route


def test_one_503_requeues_that_url_while_the_crawl_goes_on() -> None:
    routes = {"/": page(_links("/a", "/b", "/c", "/d")), "/a": _overloaded_first(1)}
    routes.update({p: page(f"<title>{p}</title>") for p in ("/b", "/c", "/d")})
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, concurrency=1, per_host_concurrency=1))
    # /a waits alone: the pages after it are fetched first, then /a once more
    pages = [p for p in site.paths() if p in routes]
    assert pages == ["/", "/a", "/b", "/c", "/d", "/a"]
    assert records["/a"].status == 200 and records["/a"].title == "/a"
    assert facts.retries == 1 and facts.unrecovered_urls == {}
    assert facts.host_slowdowns == 0  # a single error does not slow the host down
    assert facts.politeness_wait_s == 1.0


def test_a_url_that_never_recovers_is_reported_with_its_status() -> None:
    routes = {
        "/": page(_links("/down", "/later", "/fine")),
        "/down": Response(503, {"Retry-After": "0"}, "down"),
        "/later": Response(429, {"Retry-After": "120"}, "come back in two minutes"),
        "/fine": page("<title>fine</title>"),
    }
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, max_retries=2, max_retry_after_s=60))
    paths = site.paths()
    assert paths.count("/down") == 3 and paths.count("/later") == 1
    down, later = records["/down"], records["/later"]
    assert down.status == 503 and down.error == "503: still 503 after 3 attempts"
    assert later.status == 429 and "over the 60 s cap" in (later.error or "")
    assert facts.unrecovered_urls == {site.url + "/down": 503, site.url + "/later": 429}
    assert records["/fine"].status == 200 and facts.pages_crawled == 4


def test_host_slows_down_when_errors_keep_coming_and_recovers() -> None:
    names = [f"/x{i}" for i in range(12)]
    routes = {"/": page(_links(*names))}
    routes.update({name: _overloaded_first(1, 429, "0") for name in names})
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, concurrency=4, per_host_concurrency=4))
    assert all(records[name].status == 200 for name in names)
    assert [site.paths().count(name) for name in names] == [2] * 12
    assert facts.retries == 12 and facts.host_slowdowns >= 1


def test_gate_halves_concurrency_on_repeated_overload_and_gives_it_back() -> None:
    async def scenario() -> list[int]:
        gate = HostGate(per_host=8)
        seen = [gate.limit("h")]
        await gate.observe("h", 503, 0.01)
        seen.append(gate.limit("h"))  # one error: unchanged
        await gate.observe("h", 200, 0.01)
        await gate.observe("h", 503, 0.01)
        seen.append(gate.limit("h"))  # a good answer in between: still unchanged
        for _ in range(4):
            await gate.observe("h", 429, 0.01)
        seen.append(gate.limit("h"))  # 4 in a row: two slowdowns, 8 -> 4 -> 2
        for _ in range(2 + 3 + 4 + 5 + 6 + 7):
            await gate.observe("h", 200, 0.01)
        seen.append(gate.limit("h"))  # one slot back per window of good answers
        seen.append(gate.slowdowns)
        return seen

    assert asyncio.run(scenario()) == [8, 8, 8, 2, 8, 2]


def test_gate_serves_slowed_hosts_one_at_a_time() -> None:
    async def scenario() -> int:
        gate = HostGate(per_host=4)
        for _ in range(4):
            await gate.observe("h", 503, 0.0)
        most = 0
        inside = 0

        async def request() -> None:
            nonlocal most, inside
            async with gate.slot("h"):
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.01)
                inside -= 1

        await asyncio.gather(*(request() for _ in range(6)))
        return most

    assert asyncio.run(scenario()) == 1


def test_politeness_budget_bounds_the_total_wait() -> None:
    names = [f"/r{i}" for i in range(5)]
    routes = {"/": page(_links(*names))}
    routes.update({name: Response(503, {"Retry-After": "1"}, "busy") for name in names})
    with serve_site(routes) as site:
        records, facts = crawl(
            settings_for(
                site,
                concurrency=1,
                per_host_concurrency=1,
                max_retries=10,
                politeness_budget_s=2.5,
            )
        )
    # two 1-second waits fit in 2.5 s; every later 503 is given up at once
    assert [p for p in site.paths() if p in names] == [
        "/r0",
        "/r1",
        "/r2",
        "/r3",
        "/r4",
        "/r0",
        "/r1",
    ]
    assert facts.retries == 2 and 2.0 <= facts.politeness_wait_s <= 2.5
    assert all("politeness budget of 2.5 s spent" in (records[n].error or "") for n in names)
    assert set(facts.unrecovered_urls) == {site.url + n for n in names}


def test_budget_grants_whole_waits_only() -> None:
    budget = PolitenessBudget(2.5)
    assert [budget.take(1), budget.take(1), budget.take(1)] == [True, True, False]
    assert budget.take_up_to(2) == 0.5 and budget.left == 0


def test_a_crawl_that_stops_still_records_the_urls_waiting_for_a_retry() -> None:
    routes = {
        "/": page(_links("/busy")),
        "/busy": Response(503, {"Retry-After": "30"}, "busy"),
    }
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, time_budget_s=1.5))
    assert set(records) == {"/", "/busy"} and site.paths().count("/busy") == 1
    assert records["/busy"].error == "503: not retried, the crawl stopped"
    assert facts.stopped_reason == "time_budget" and facts.duration_s < 10
    assert facts.unrecovered_urls == {site.url + "/busy": 503}
