"""Per-site audit settings: thresholds, switched-off rules and severity overrides."""

from __future__ import annotations

from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from seology_pipeline.db.models import Severity

DEFAULT_SOFT_404_PATTERNS: tuple[str, ...] = (
    "404",
    "not found",
    "page not found",
    "page does not exist",
    "page doesn't exist",
    "no longer available",
    "nothing was found",
    "seite nicht gefunden",
    "página no encontrada",
    "page introuvable",
)


class AuditConfig(BaseModel):
    """Thresholds and switches of the audit; every field can be overridden per site.

    A site's ``site_connections.settings["audit"]`` object holds the overrides, e.g.
    ``{"audit": {"title_max_chars": 65, "disabled_rules": ["ai_crawlers_blocked"]}}``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    disabled_rules: frozenset[str] = Field(
        default=frozenset(), description="rule codes that are not run"
    )
    severity_overrides: dict[str, Severity] = Field(
        default_factory=dict, description="rule code → base severity replacing the default"
    )
    title_min_chars: int = Field(30, ge=1)
    title_max_chars: int = Field(60, ge=1)
    description_min_chars: int = Field(70, ge=1)
    description_max_chars: int = Field(155, ge=1)
    thin_content_words: int = Field(200, ge=1)
    near_duplicate_similarity: float = Field(
        0.90, ge=0.80, le=1.0, description="share of equal simhash bits (0.90 → ≤ 6 of 64 differ)"
    )
    near_duplicate_window: int = Field(
        64, ge=2, description="largest run of equal simhash bands compared pair-wise"
    )
    slow_ttfb_ms: float = Field(800.0, gt=0)
    redirect_chain_min_hops: int = Field(2, ge=1)
    deep_page_depth: int = Field(4, ge=1)
    image_max_bytes: int = Field(100 * 1024, ge=1)
    url_max_length: int = Field(115, ge=10)
    sitemap_max_urls: int = Field(50_000, ge=1)
    noindex_sitemap_critical_share: float = Field(
        0.5, gt=0, le=1.0, description="share of noindex sitemap URLs that makes noindex critical"
    )
    prevalence_ratio: float = Field(0.10, gt=0, le=1.0)
    prevalence_min_pages: int = Field(
        3, ge=1, description="fewest affected pages before prevalence escalates a rule"
    )
    soft_404_patterns: tuple[str, ...] = DEFAULT_SOFT_404_PATTERNS
    max_evidence_items: int = Field(20, ge=1, le=1000)

    @field_validator("disabled_rules", "severity_overrides")
    @classmethod
    def _known_rule_codes(cls, value: Any, info: ValidationInfo) -> Any:
        known = (info.context or {}).get("rule_codes")
        unknown = sorted(set(value) - known) if known is not None else []
        if unknown:
            raise ValueError(
                f"unknown rule code(s) {', '.join(unknown)}; `seology audit rules` lists them"
            )
        return value

    @field_validator("soft_404_patterns")
    @classmethod
    def _patterns_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(p.strip().lower() for p in value)
        if any(not p for p in cleaned):
            raise ValueError("soft_404_patterns must not contain empty strings")
        return cleaned

    @model_validator(mode="after")
    def _ranges_ordered(self) -> Self:
        for low, high in (
            ("title_min_chars", "title_max_chars"),
            ("description_min_chars", "description_max_chars"),
        ):
            if getattr(self, low) > getattr(self, high):
                raise ValueError(
                    f"{low} ({getattr(self, low)}) exceeds {high} ({getattr(self, high)})"
                )
        return self

    @property
    def near_duplicate_max_distance(self) -> int:
        """Largest simhash Hamming distance (of 64 bits) still counted as a near-duplicate."""
        return int((1.0 - self.near_duplicate_similarity) * 64 + 1e-9)

    @classmethod
    def from_site_settings(
        cls, settings: dict[str, Any] | None, rule_codes: frozenset[str]
    ) -> AuditConfig:
        """The config of a site from its ``site_connections.settings`` (the ``audit`` key);
        rule codes named in it must be among ``rule_codes``.

        Raises ``ValueError`` naming the offending ``audit.<field>`` setting.
        """
        overrides = (settings or {}).get("audit") or {}
        if not isinstance(overrides, dict):
            raise ValueError(
                f"site setting 'audit' must be a JSON object, not {type(overrides).__name__}"
            )
        try:
            return cls.model_validate(overrides, context={"rule_codes": rule_codes})
        except ValidationError as exc:
            problems = "; ".join(
                f"audit.{'.'.join(str(p) for p in err['loc']) or '(object)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ValueError(f"invalid audit settings: {problems}") from None
