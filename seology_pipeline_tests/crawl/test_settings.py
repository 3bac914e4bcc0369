from __future__ import annotations

import pytest
from pydantic import ValidationError

import seology_pipeline.crawl.settings as crawl_settings_module
from seology_pipeline.crawl.settings import CrawlEnv, CrawlSettings
from seology_pipeline.settings import SettingsError, environment_variables, load_settings


def test_defaults_are_safe() -> None:
    s = CrawlSettings(root_url="https://example.com/")
    assert s.allow_private_networks is False
    assert s.render_mode == "auto"
    assert s.obey_robots is True
    assert s.browser_executable is None
    assert set(s.block_resources) == {"image", "font", "media", "stylesheet"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_pages", 0),
        ("max_pages", 50_001),
        ("concurrency", 0),
        ("page_timeout_s", 0),
        ("render_mode", "sometimes"),
        ("root_url", "ftp://example.com/"),
        ("root_url", "example.com"),
        ("exclude_patterns", ("([",)),
        ("private_network_allowlist", ("not-a-net",)),
        ("block_resources", ("pictures",)),
        ("user_agent", "bot\r\nX-Injected: 1"),
        ("ca_bundle", "/nonexistent/ca.pem"),
        ("ca_bundle", __file__),  # readable, but no certificate in it
    ],
)
def test_bad_values_name_the_setting(field: str, value: object) -> None:
    values = {"root_url": "https://example.com/", field: value}
    with pytest.raises(ValidationError) as info:
        CrawlSettings(**values)
    assert info.value.errors()[0]["loc"][0] == field


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="max_page"):
        CrawlSettings(root_url="https://example.com/", max_page=3)


def test_from_env_reads_every_kind_of_value() -> None:
    env = {
        "SEOLOGY_CRAWL_ROOT_URL": "https://example.com/",
        "SEOLOGY_CRAWL_RENDER_MODE": "never",
        "SEOLOGY_CRAWL_BROWSER": "/opt/chrome",
        "SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS": "yes",
        "SEOLOGY_CRAWL_CONCURRENCY": "3",
        "SEOLOGY_CRAWL_PAGE_TIMEOUT_S": "2.5",
        "SEOLOGY_CRAWL_USER_AGENT": "TestBot/1",
        "SEOLOGY_CRAWL_EXCLUDE_PATTERNS": '["/a{1,2}", "/b"]',
        "SEOLOGY_CRAWL_STRIP_QUERY_PARAMS": "utm_*, ref",
    }
    s = load_settings(env).crawl_settings(max_pages=7)
    assert s.render_mode == "never"
    assert s.browser_executable == "/opt/chrome"
    assert s.allow_private_networks is True
    assert (s.concurrency, s.page_timeout_s, s.max_pages) == (3, 2.5, 7)
    assert s.user_agent == "TestBot/1"
    assert s.exclude_patterns == ("/a{1,2}", "/b")
    assert s.strip_query_params == ("utm_*", "ref")


def test_overrides_win_over_env() -> None:
    env = {"SEOLOGY_CRAWL_ROOT_URL": "https://a.example/", "SEOLOGY_CRAWL_CONCURRENCY": "5"}
    s = load_settings(env).crawl_settings(root_url="https://b.example/", concurrency=2)
    assert (s.root_url, s.concurrency) == ("https://b.example/", 2)


def test_env_errors_name_the_variable() -> None:
    env = {"SEOLOGY_CRAWL_ROOT_URL": "https://example.com/", "SEOLOGY_CRAWL_MAX_PAGES": "0"}
    with pytest.raises(SettingsError, match="SEOLOGY_CRAWL_MAX_PAGES"):
        load_settings(env)
    with pytest.raises(SettingsError, match="SEOLOGY_CRAWL_OBEY_ROBOTS"):
        load_settings({**env, "SEOLOGY_CRAWL_MAX_PAGES": "3", "SEOLOGY_CRAWL_OBEY_ROBOTS": "maybe"})
    with pytest.raises(SettingsError, match="concurrency"):
        load_settings(env | {"SEOLOGY_CRAWL_MAX_PAGES": "3"}).crawl_settings(concurrency=0)


def test_every_variable_is_documented_in_the_module_table() -> None:
    crawl_variables = [v for v in environment_variables() if v.startswith("SEOLOGY_CRAWL_")]
    assert len(crawl_variables) == len(CrawlEnv.model_fields)
    for var in crawl_variables:
        assert f"``{var}``" in (crawl_settings_module.__doc__ or ""), var
