"""The cached prefix: generated from the rule catalogue, identical across sites, and read from the
cache by every analysis after the first (against the fake API on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.claude_api import make_client, request_params
from seology_pipeline.analysis.prompt import RULE_CATALOGUE, system_blocks
from seology_pipeline.audit.rules import RULES
from seology_pipeline.db.models import Conversation
from seology_pipeline_tests.analysis.conftest import (
    BASIC_ISSUES,
    NOW,
    claude_settings,
    seed_site,
)
from seology_pipeline_tests.analysis.fake_anthropic import (
    FakeAnthropic,
    cached_prefix,
    fake_anthropic,
    tokens,
)


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with fake_anthropic() as server:
        yield server


def test_the_prefix_is_the_rule_catalogue_and_long_enough_to_cache() -> None:
    blocks = system_blocks()
    breakpoints = [n for n, block in enumerate(blocks) if "cache_control" in block]
    assert breakpoints == [len(blocks) - 1], "one breakpoint, at the end of the system prompt"
    assert blocks[-1]["text"] == RULE_CATALOGUE
    for rule in RULES:
        assert f"\n{rule.code} | {rule.category.value} | " in RULE_CATALOGUE
        assert rule.description in RULE_CATALOGUE
    prefix = "".join(block["text"] for block in blocks)
    # Four characters a token is generous for English; Sonnet/Opus cache from 1,024 tokens,
    # Haiku from 2,048.
    assert tokens(prefix) >= 2048
    assert system_blocks() == blocks, "byte-identical on every call"


def test_the_second_analysis_of_any_site_reads_the_prefix_from_the_cache(
    session: Session, fake: FakeAnthropic
) -> None:
    settings = claude_settings(base_url=fake.base_url, max_retries=0)
    client = make_client(settings)
    first_site = seed_site(session, BASIC_ISSUES, site_id="site-a", user_id="user-a")
    other_issues = [dict(issue, message="Different text") for issue in BASIC_ISSUES[:3]]
    second_site = seed_site(
        session, other_issues, site_id="site-b", user_id="user-b", root_url="https://b.example/"
    )

    first = analyse_site(session, "site-a", first_site.crawl_id, settings, client, NOW)
    session.commit()  # the next analysis reserves its quota unit in a transaction of its own
    second = analyse_site(session, "site-b", second_site.crawl_id, settings, client, NOW)

    sent = fake.state.messages
    assert len(sent) == 2
    assert sent[0]["system"] == sent[1]["system"] == system_blocks()
    assert cached_prefix(sent[0]) == cached_prefix(sent[1])
    assert sent[0]["messages"] != sent[1]["messages"], "the site's data comes after the prefix"
    assert first.cache_creation_input_tokens >= 1024 and first.cache_read_input_tokens == 0
    assert second.cache_read_input_tokens >= 1024 and second.cache_creation_input_tokens == 0
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens

    stored = session.get(Conversation, second.conversation_id)
    assert stored is not None and stored.cache_read_input_tokens == second.cache_read_input_tokens
    expected = settings.estimated_cost(
        stored.input_tokens,
        stored.output_tokens,
        stored.cache_creation_input_tokens,
        stored.cache_read_input_tokens,
    )
    assert stored.estimated_cost_usd == expected
    assert second.estimated_cost_usd < first.estimated_cost_usd, "cache reads cost a tenth"
    assert second.metadata()["cache_read_input_tokens"] >= 1024


def test_a_changed_prefix_is_not_read_from_the_cache(fake: FakeAnthropic) -> None:
    settings = claude_settings(base_url=fake.base_url, max_retries=0)
    client = make_client(settings)
    assert client is not None
    params = request_params(settings, "<site_data>\n{}\n</site_data>")
    first = client.messages.create(**params)
    again = client.messages.create(**params)
    changed = json.loads(json.dumps(params))
    changed["system"][-1]["text"] += " "
    other = client.messages.create(**changed)
    assert first.usage.cache_creation_input_tokens and not first.usage.cache_read_input_tokens
    assert again.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert other.usage.cache_read_input_tokens == 0 and other.usage.cache_creation_input_tokens
