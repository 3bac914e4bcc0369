from __future__ import annotations

import pytest

from seology_pipeline.analysis.settings import AnalysisMode, BatchMode
from seology_pipeline.settings import SettingsError, load_settings
from seology_pipeline_tests.analysis.conftest import API_KEY


def test_defaults_without_a_key_run_the_rule_based_analyst() -> None:
    settings = load_settings({}).analysis_settings()
    assert settings.mode is AnalysisMode.AUTO
    assert settings.analyst == "offline"
    assert settings.model.startswith("claude-sonnet")
    assert settings.api_key is None


def test_from_env_reads_every_variable() -> None:
    settings = load_settings(
        {
            "SEOLOGY_ANALYSIS_MODE": "claude",
            "SEOLOGY_CLAUDE_MODEL": "claude-haiku-4-5",
            "ANTHROPIC_API_KEY": API_KEY,
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080/",
            "SEOLOGY_CLAUDE_TIMEOUT": "30",
            "SEOLOGY_CLAUDE_MAX_RETRIES": "0",
            "SEOLOGY_CLAUDE_MAX_OUTPUT_TOKENS": "2000",
            "SEOLOGY_ANALYSIS_INPUT_TOKEN_BUDGET": "5000",
            "SEOLOGY_ANALYSIS_EXAMPLES_PER_GROUP": "1",
            "SEOLOGY_CLAUDE_COUNT_TOKENS": "false",
            "SEOLOGY_CLAUDE_PRICES": '{"claude-haiku-4-5": {"input": 2, "output": 10, '
            '"cache_write": 2.5, "cache_read": 0.2}}',
        }
    ).analysis_settings()
    assert settings.analyst == "claude"
    assert settings.model == "claude-haiku-4-5"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == API_KEY
    assert settings.base_url == "http://127.0.0.1:8080"
    assert (settings.timeout_seconds, settings.max_retries) == (30, 0)
    assert (settings.max_output_tokens, settings.input_token_budget) == (2000, 5000)
    assert settings.examples_per_group == 1 and settings.count_tokens is False
    assert settings.estimated_cost(1_000_000, 1_000_000, 0, 0) == 12.0
    assert "claude-sonnet-5-5" in settings.prices  # merged over the built-in table


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SEOLOGY_ANALYSIS_MODE", "sometimes"),
        ("SEOLOGY_CLAUDE_TIMEOUT", "-1"),
        ("SEOLOGY_CLAUDE_MAX_RETRIES", "many"),
        ("SEOLOGY_CLAUDE_MAX_OUTPUT_TOKENS", "10"),
        ("SEOLOGY_ANALYSIS_INPUT_TOKEN_BUDGET", "999999999"),
        ("ANTHROPIC_BASE_URL", "ftp://example.com"),
        ("SEOLOGY_CLAUDE_PRICES", "not json"),
        ("SEOLOGY_CLAUDE_PRICES", '{"claude-sonnet-5-5": {"input": -1}}'),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({variable: value, "ANTHROPIC_API_KEY": API_KEY}).analysis_settings()


def test_a_model_without_a_price_is_refused() -> None:
    with pytest.raises(SettingsError, match="SEOLOGY_CLAUDE_PRICES"):
        load_settings({"SEOLOGY_CLAUDE_MODEL": "claude-unknown-9"}).analysis_settings()


def test_claude_mode_requires_a_key() -> None:
    with pytest.raises(SettingsError, match="ANTHROPIC_API_KEY"):
        load_settings(
            {"SEOLOGY_ANALYSIS_MODE": "claude", "ANTHROPIC_API_KEY": " "}
        ).analysis_settings()


def test_offline_and_skip_never_call_claude_even_with_a_key() -> None:
    for mode, analyst in (("offline", "offline"), ("skip", "skip")):
        env = {"SEOLOGY_ANALYSIS_MODE": mode, "ANTHROPIC_API_KEY": API_KEY}
        assert load_settings(env).analysis_settings().analyst == analyst


def test_the_key_never_shows_in_repr_dumps_or_errors() -> None:
    settings = load_settings({"ANTHROPIC_API_KEY": API_KEY}).analysis_settings()
    assert API_KEY not in repr(settings)
    assert API_KEY not in str(settings.model_dump())
    assert API_KEY not in settings.model_dump_json()
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {"ANTHROPIC_API_KEY": API_KEY, "SEOLOGY_CLAUDE_TIMEOUT": "x"}
        ).analysis_settings()
    assert API_KEY not in str(caught.value)


def test_batch_mode_decides_which_automatic_analyses_are_batched() -> None:
    with_key = {"ANTHROPIC_API_KEY": API_KEY}
    default = load_settings(with_key).analysis_settings()
    assert default.batch is BatchMode.SCHEDULED
    assert default.batches("recrawl") and not default.batches("new_site")
    assert not default.batches(None) and not default.batches("cli")
    every = load_settings(with_key | {"SEOLOGY_ANALYSIS_BATCH": "all"}).analysis_settings()
    assert every.batches("recrawl") and every.batches("new_site") and not every.batches("cli")
    off = load_settings(with_key | {"SEOLOGY_ANALYSIS_BATCH": "off"}).analysis_settings()
    assert not off.batches("recrawl")
    offline = load_settings({"SEOLOGY_ANALYSIS_BATCH": "all"}).analysis_settings()
    assert not offline.batches("recrawl"), "only Claude analyses are batched"
    with pytest.raises(SettingsError, match="SEOLOGY_ANALYSIS_BATCH"):
        load_settings({"SEOLOGY_ANALYSIS_BATCH": "sometimes"}).analysis_settings()
    assert default.estimated_cost(1000, 1000, 0, 0, batched=True) == pytest.approx(
        default.estimated_cost(1000, 1000, 0, 0) / 2
    )
