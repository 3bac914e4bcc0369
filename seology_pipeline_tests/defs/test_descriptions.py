"""What the UI shows next to each config field, resource and schedule is short and plain: one
line, no reStructuredText (Dagster renders descriptions as Markdown, not RST)."""

from __future__ import annotations

import re

import dagster as dg
import pytest

from seology_pipeline.definitions import defs

MAX_LENGTH = 100
RST = re.compile(r":(class|func|meth|mod|attr):|``")
REPOSITORY = defs.get_repository_def()


def _problem(description: str | None) -> str | None:
    """Why ``description`` is not short and plain, or None when it is."""
    if not description or not description.strip():
        return "missing"
    if "\n" in description.strip():
        return "more than one line"
    if len(description) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    if RST.search(description):
        return "reStructuredText markup"
    return None


def _op_fields() -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    for job in REPOSITORY.get_all_jobs():
        for node in job.all_node_defs:
            config_type = node.config_schema.config_type if node.config_schema else None
            for name, field in getattr(config_type, "fields", {}).items():
                fields[f"op {node.name}.{name}"] = field.description
    return fields


def _resource_fields() -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    for key, resource in defs.resources.items():
        assert isinstance(resource, dg.ConfigurableResource), key
        fields[f"resource {key}"] = type(resource).__doc__
        for name, field in type(resource).model_fields.items():
            fields[f"resource {key}.{name}"] = field.description
    return fields


DESCRIBED = {
    **_op_fields(),
    **_resource_fields(),
    **{f"schedule {s.name}": s.description for s in REPOSITORY.schedule_defs},
}


def test_every_config_field_resource_and_schedule_is_listed() -> None:
    assert {"op crawled_pages.max_pages", "op clean_up.days_old", "op reset_usage.month"} <= set(
        DESCRIBED
    )
    assert {"resource database.url", "resource claude.mode", "resource crawler.render_mode"} <= set(
        DESCRIBED
    )
    assert {
        "schedule cleanup_daily",
        "schedule usage_reset_monthly",
        "schedule analysis_batch_schedule",
    } <= set(DESCRIBED)


@pytest.mark.parametrize("name", sorted(DESCRIBED))
def test_the_description_is_short_and_plain(name: str) -> None:
    assert _problem(DESCRIBED[name]) is None, f"{name}: {_problem(DESCRIBED[name])}"


@pytest.mark.parametrize(
    "description",
    [None, " ", "two\nlines", "x" * (MAX_LENGTH + 1), "see :class:`Foo`", "``SEOLOGY_X``"],
)
def test_the_check_flags_what_the_ui_would_show_badly(description: str | None) -> None:
    assert _problem(description) is not None
