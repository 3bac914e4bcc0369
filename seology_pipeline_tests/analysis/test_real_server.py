"""ClaudeResource and the SDK's own HTTP stack against a fake Messages API on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import Engine

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.errors import TransientAnalysisError
from seology_pipeline.db.engine import session_factory, session_scope
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline_tests.analysis.conftest import (
    API_KEY,
    BASIC_ISSUES,
    NOW,
    good_analysis,
    message_body,
    seed_site,
)


class FakeServer(ThreadingHTTPServer):
    delay = 0.0
    seen: list[tuple[str, dict[str, str], dict[str, Any]]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hung up on a slow answer, as the timeout test intends


class Handler(BaseHTTPRequestHandler):
    server: FakeServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.server.seen.append((self.path, dict(self.headers), body))
        time.sleep(self.server.delay)
        if self.path == "/v1/messages/count_tokens":
            answer: dict[str, Any] = {"input_tokens": 1500}
        else:
            answer = message_body(json.dumps(good_analysis(body)))
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[FakeServer]:
    httpd = FakeServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def claude_env(monkeypatch: pytest.MonkeyPatch, server: FakeServer) -> None:
    monkeypatch.setenv("SEOLOGY_TEST_CLAUDE_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("SEOLOGY_ANALYSIS_MODE", "claude")
    monkeypatch.setenv("SEOLOGY_CLAUDE_MAX_RETRIES", "0")


def test_an_asset_analyses_a_site_over_real_http(
    engine: Engine, server: FakeServer, claude_env: None
) -> None:
    with session_factory(engine)() as session:  # seed_site commits
        seeded = seed_site(session, BASIC_ISSUES)

    @dg.asset
    def site_analysis(claude: ClaudeResource) -> dg.MaterializeResult:
        with session_scope(engine) as session:
            outcome = analyse_site(
                session, seeded.site_id, seeded.crawl_id, claude.settings(), claude.client(), NOW
            )
        return dg.MaterializeResult(
            metadata=outcome.metadata() | {"summary": dg.MetadataValue.md(outcome.markdown())}
        )

    resource = ClaudeResource(api_key_env_var="SEOLOGY_TEST_CLAUDE_KEY")
    result = dg.materialize([site_analysis], resources={"claude": resource})
    assert result.success

    metadata = result.asset_materializations_for_node("site_analysis")[0].metadata
    assert metadata["analyst"].value == "claude"
    assert metadata["message_id"].value == "msg_test_0001"
    assert metadata["input_tokens"].value == 1200 and metadata["reused"].value is False
    assert [path for path, _, _ in server.seen] == ["/v1/messages/count_tokens", "/v1/messages"]
    _, headers, body = server.seen[-1]
    lowered = {k.lower(): v for k, v in headers.items()}
    assert API_KEY in (lowered.get("x-api-key"), lowered.get("authorization", "")[7:])
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert API_KEY not in json.dumps({k: str(v.value) for k, v in metadata.items()})
    assert API_KEY not in repr(resource) and "SEOLOGY_TEST_CLAUDE_KEY" in repr(resource)

    # The same materialization again: reused, no new HTTP call.
    again = dg.materialize([site_analysis], resources={"claude": resource})
    event = again.asset_materializations_for_node("site_analysis")[0]
    assert event.metadata["reused"].value is True
    assert len(server.seen) == 2


def test_a_slow_server_times_out_as_a_transient_error(
    engine: Engine, server: FakeServer, claude_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOGY_CLAUDE_TIMEOUT", "0.3")
    monkeypatch.setenv("SEOLOGY_CLAUDE_COUNT_TOKENS", "false")
    server.delay = 1.0
    resource = ClaudeResource(api_key_env_var="SEOLOGY_TEST_CLAUDE_KEY")
    with session_factory(engine)() as session:  # seed_site commits
        seeded = seed_site(session, BASIC_ISSUES)
    with pytest.raises(TransientAnalysisError, match="timed out"), session_scope(engine) as s:
        analyse_site(
            s, seeded.site_id, seeded.crawl_id, resource.settings(), resource.client(), NOW
        )
    assert [path for path, _, _ in server.seen] == ["/v1/messages"]


def test_the_resource_without_a_key_is_offline() -> None:
    resource = ClaudeResource(mode=None, input_token_budget=5000)
    settings = resource.settings()
    assert settings.analyst == "offline" and settings.input_token_budget == 5000
    assert resource.client() is None
