"""Calls to the Message Batches API: create a batch, poll it, read its results."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seology_pipeline.analysis.claude_api import api_errors

if TYPE_CHECKING:
    import anthropic


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One line of a batch's results: the request's custom id and what became of it.

    ``state`` is ``succeeded``, ``errored``, ``canceled`` or ``expired``; ``message`` is set
    when it succeeded and ``error`` names the API's error otherwise.
    """

    custom_id: str
    state: str
    message: anthropic.types.Message | None = None
    error: str | None = None


def create_batch(client: anthropic.Anthropic, requests: Sequence[dict[str, Any]]) -> str:
    """Submit ``requests`` (``custom_id`` and Messages API ``params`` each); the batch id."""
    with api_errors():
        batch = client.messages.batches.create(requests=list(requests))  # type: ignore[arg-type]
    return batch.id


def batch_ended(client: anthropic.Anthropic, batch_id: str) -> bool:
    """Whether every request of the batch has an outcome (results can be read)."""
    with api_errors():
        batch = client.messages.batches.retrieve(batch_id)
    return batch.processing_status == "ended"


def batch_results(client: anthropic.Anthropic, batch_id: str) -> Iterator[BatchItem]:
    """The results of an ended batch, streamed from its JSONL file (in any order)."""
    with api_errors():
        for line in client.messages.batches.results(batch_id):
            result = line.result
            if result.type == "succeeded":
                yield BatchItem(line.custom_id, result.type, message=result.message)
            elif result.type == "errored":
                error = result.error.error
                yield BatchItem(line.custom_id, result.type, error=f"{error.type}: {error.message}")
            else:
                yield BatchItem(line.custom_id, result.type)
