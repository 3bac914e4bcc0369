"""A fake Anthropic API on 127.0.0.1: Messages (with prompt caching), token counting and Message
Batches (create, poll, JSONL results), for the real ``anthropic`` SDK over real HTTP.

Prompt caching is computed from each request, never hard-coded: the prefix is every system block
up to the last ``cache_control`` breakpoint; when it is at least ``min_cacheable_tokens`` long the
first request writes it to the cache and every later request with a byte-identical prefix reads
it. Tokens are counted as four characters each.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from seology_pipeline_tests.analysis.conftest import good_analysis

CHARS_PER_TOKEN = 4


def tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def cached_prefix(body: dict[str, Any]) -> str | None:
    """The text of the system blocks up to the last cache breakpoint (None without one)."""
    system = body.get("system") or []
    marked = [n for n, block in enumerate(system) if block.get("cache_control")]
    if not marked:
        return None
    return json.dumps(system[: marked[-1] + 1], sort_keys=True, ensure_ascii=False)


@dataclass
class FakeBatch:
    id: str
    requests: list[dict[str, Any]]
    polls_until_end: int
    polls: int = 0
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ended(self) -> bool:
        return self.polls > self.polls_until_end


@dataclass
class FakeState:
    """What the fake saw and how it answers; tests read and tweak it."""

    min_cacheable_tokens: int = 1024
    polls_until_end: int = 1
    batch_outcome: Callable[[str], str] = lambda custom_id: "succeeded"
    messages_status: Callable[[dict[str, Any]], int] = lambda body: 200
    batches_status: int = 200
    seen_prefixes: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    batches: dict[str, FakeBatch] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def usage(self, body: dict[str, Any]) -> dict[str, int]:
        """Input, cache write and cache read tokens of one request, from its content."""
        prefix = cached_prefix(body)
        total = tokens(json.dumps(body.get("system") or [], sort_keys=True, ensure_ascii=False))
        total += tokens(json.dumps(body["messages"], ensure_ascii=False))
        total += tokens(json.dumps(body.get("output_config") or {}))
        write = read = 0
        if prefix is not None and tokens(prefix) >= self.min_cacheable_tokens:
            digest = hashlib.sha256(prefix.encode()).hexdigest()
            with self.lock:
                if digest in self.seen_prefixes:
                    read = tokens(prefix)
                else:
                    write = tokens(prefix)
                    self.seen_prefixes.add(digest)
        return {
            "input_tokens": total - write - read,
            "output_tokens": 300,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
        }

    def message(self, body: dict[str, Any], message_id: str) -> dict[str, Any]:
        return {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": json.dumps(good_analysis(body))}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": self.usage(body),
        }


def _batch_json(batch: FakeBatch, base_url: str, outcome: Callable[[str], str]) -> dict[str, Any]:
    counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    if batch.ended:
        for request in batch.requests:
            counts[outcome(request["custom_id"])] += 1
    else:
        counts["processing"] = len(batch.requests)
    return {
        "id": batch.id,
        "type": "message_batch",
        "processing_status": "ended" if batch.ended else "in_progress",
        "request_counts": counts,
        "created_at": batch.created_at.isoformat(),
        "expires_at": (batch.created_at + timedelta(hours=24)).isoformat(),
        "ended_at": datetime.now(UTC).isoformat() if batch.ended else None,
        "archived_at": None,
        "cancel_initiated_at": None,
        "results_url": f"{base_url}/v1/messages/batches/{batch.id}/results"
        if batch.ended
        else None,
    }


class FakeAnthropic(ThreadingHTTPServer):
    state: FakeState

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class Handler(BaseHTTPRequestHandler):
    server: FakeAnthropic

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        state = self.server.state
        state.paths.append(f"POST {self.path}")
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self.path == "/v1/messages/count_tokens":
            usage = FakeState(min_cacheable_tokens=10**9).usage(body)
            self._send(200, {"input_tokens": usage["input_tokens"]})
        elif self.path == "/v1/messages":
            state.messages.append(body)
            status = state.messages_status(body)
            if status != 200:
                error = {"type": "overloaded_error", "message": "Overloaded"}
                self._send(status, {"type": "error", "error": error})
                return
            self._send(200, state.message(body, f"msg_live_{len(state.messages):04d}"))
        elif self.path == "/v1/messages/batches" and state.batches_status != 200:
            error = {"type": "api_error", "message": "Internal server error"}
            self._send(state.batches_status, {"type": "error", "error": error})
        elif self.path == "/v1/messages/batches":
            batch = FakeBatch(
                id=f"msgbatch_{len(state.batches) + 1:04d}",
                requests=body["requests"],
                polls_until_end=state.polls_until_end,
            )
            state.batches[batch.id] = batch
            self._send(200, _batch_json(batch, self.server.base_url, state.batch_outcome))
        else:
            self._send(404, {"type": "error", "error": {"type": "not_found_error", "message": ""}})

    def do_GET(self) -> None:
        state = self.server.state
        state.paths.append(f"GET {self.path}")
        parts = self.path.strip("/").split("/")  # v1 messages batches <id> [results]
        batch = state.batches.get(parts[3]) if len(parts) >= 4 else None
        if batch is None:
            self._send(404, {"type": "error", "error": {"type": "not_found_error", "message": ""}})
        elif len(parts) == 4:
            batch.polls += 1
            self._send(200, _batch_json(batch, self.server.base_url, state.batch_outcome))
        else:
            lines = [self._result_line(batch, request) for request in reversed(batch.requests)]
            self._send(200, "\n".join(lines).encode(), "application/binary")

    def _result_line(self, batch: FakeBatch, request: dict[str, Any]) -> str:
        custom_id = request["custom_id"]
        kind = self.server.state.batch_outcome(custom_id)
        result: dict[str, Any] = {"type": kind}
        if kind == "succeeded":
            message_id = f"msg_{batch.id}_{custom_id}"
            result["message"] = self.server.state.message(request["params"], message_id)
        elif kind == "errored":
            error = {"type": "invalid_request_error", "message": "prompt is too long"}
            result["error"] = {"type": "error", "error": error}
        return json.dumps({"custom_id": custom_id, "result": result})

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def fake_anthropic() -> Iterator[FakeAnthropic]:
    """The fake, served on an ephemeral loopback port for the duration of the block."""
    server = FakeAnthropic(("127.0.0.1", 0), Handler)
    server.state = FakeState()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
