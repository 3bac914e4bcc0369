"""The app database: SQLAlchemy 2.0 typed models shared with the product's web app.

Conventions: timestamps are timezone-aware UTC (:class:`UTCDateTime`); JSON columns become JSONB on
PostgreSQL; enumerations are stored as short strings guarded by CHECK constraints; foreign keys
state their ON DELETE on purpose — a site's crawl data goes with the site, history that must
outlive it (audit logs, notifications) keeps a NULL instead.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention that Alembic can diff."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A portable enum column: a VARCHAR plus a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


class CrawlFrequency(enum.StrEnum):
    MANUAL = "manual"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class CrawlStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class IssueStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    IGNORED = "ignored"


class IssueChange(enum.StrEnum):
    """What the latest crawl did to an issue."""

    NEW = "new"
    PERSISTING = "persisting"
    RESOLVED = "resolved"
    REGRESSED = "regressed"


class MessageRole(enum.StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class Plan(Base):
    """A subscription plan and its monthly limits."""

    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    crawls_per_month: Mapped[int] = mapped_column(Integer)
    pages_per_crawl: Mapped[int] = mapped_column(Integer)
    analyses_per_month: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(
            "crawls_per_month >= 0 AND pages_per_crawl >= 1 AND analyses_per_month >= 0",
            name="limits_non_negative",
        ),
    )


class User(Base):
    """A customer; ``id`` is the auth provider's user id."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    sites: Mapped[list[SiteConnection]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code", ondelete="RESTRICT"))
    status: Mapped[SubscriptionStatus] = mapped_column(
        str_enum(SubscriptionStatus, "subscription_status"), index=True
    )
    current_period_end: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="subscriptions")
    plan: Mapped[Plan] = relationship()


class SiteConnection(Base):
    """A website a customer connected; its id is the Dagster partition key."""

    __tablename__ = "site_connections"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    root_url: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    crawl_frequency: Mapped[CrawlFrequency] = mapped_column(
        str_enum(CrawlFrequency, "crawl_frequency"), default=CrawlFrequency.MANUAL
    )
    default_max_pages: Mapped[int] = mapped_column(Integer, default=100)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_crawled_at: Mapped[datetime | None] = mapped_column(index=True)

    owner: Mapped[User] = relationship(back_populates="sites")
    crawls: Mapped[list[Crawl]] = relationship(
        back_populates="site", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("default_max_pages >= 1 AND default_max_pages <= 50000", name="max_pages"),
    )


class Crawl(Base):
    """One crawl of a site; ``is_current`` marks the snapshot the web app shows."""

    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site_connections.id", ondelete="CASCADE"))
    run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[CrawlStatus] = mapped_column(str_enum(CrawlStatus, "crawl_status"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    max_pages: Mapped[int] = mapped_column(Integer)
    pages_crawled: Mapped[int] = mapped_column(Integer, default=0)
    issues_found: Mapped[int] = mapped_column(Integer, default=0)
    health_score: Mapped[float | None] = mapped_column(Float)
    site_facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    heartbeat_at: Mapped[datetime | None]
    """Last sign of life of a running crawl; the reaper fails crawls whose heartbeat is stale."""

    site: Mapped[SiteConnection] = relationship(back_populates="crawls")

    __table_args__ = (
        Index("ix_crawls_site_id_started_at", "site_id", "started_at"),
        Index("ix_crawls_status", "status"),
        # One writer per site: at most one running crawl of a site at any time.
        Index(
            "ux_crawls_one_running_per_site",
            "site_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )


class Page(Base):
    """One crawled URL of one crawl. ``record`` keeps the crawler's full page record."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"))
    site_id: Mapped[str] = mapped_column(
        ForeignKey("site_connections.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int | None] = mapped_column(Integer)
    redirect_chain: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_type: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    ttfb_ms: Mapped[float | None] = mapped_column(Float)
    load_ms: Mapped[float | None] = mapped_column(Float)
    depth: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    meta_description: Mapped[str | None] = mapped_column(Text)
    h1: Mapped[str | None] = mapped_column(Text)
    canonical: Mapped[str | None] = mapped_column(Text)
    robots: Mapped[str | None] = mapped_column(String(500))
    lang: Mapped[str | None] = mapped_column(String(35))
    word_count: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    in_sitemap: Mapped[bool] = mapped_column(Boolean, default=False)
    error_kind: Mapped[str | None] = mapped_column(String(40))
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("crawl_id", "url"),)


class Link(Base):
    """A link found on a crawled page."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    source_url: Mapped[str] = mapped_column(Text)
    target_url: Mapped[str | None] = mapped_column(Text)
    href: Mapped[str | None] = mapped_column(Text)
    anchor: Mapped[str | None] = mapped_column(Text)
    rel: Mapped[str | None] = mapped_column(String(200))
    is_internal: Mapped[bool] = mapped_column(Boolean)
    is_crawlable: Mapped[bool] = mapped_column(Boolean, default=True)


class SeoIssue(Base):
    """An issue of a site, tracked across crawls by its stable ``fingerprint``."""

    __tablename__ = "seo_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site_connections.id", ondelete="CASCADE"))
    rule_code: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, "severity"))
    url: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[IssueStatus] = mapped_column(
        str_enum(IssueStatus, "issue_status"), default=IssueStatus.OPEN
    )
    change: Mapped[IssueChange] = mapped_column(
        str_enum(IssueChange, "issue_change"), default=IssueChange.NEW
    )
    first_seen_crawl_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawls.id", ondelete="SET NULL")
    )
    last_seen_crawl_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawls.id", ondelete="SET NULL"), index=True
    )
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("site_id", "fingerprint"),
        Index("ix_seo_issues_site_id_status_severity", "site_id", "status", "severity"),
    )


class AuditLog(Base):
    """Who did what, when. Outlives the user and site it names."""

    __tablename__ = "audit_logs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    site_id: Mapped[str | None] = mapped_column(
        ForeignKey("site_connections.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    run_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Conversation(Base):
    """One AI (or rule-based) analysis of a site's issues after one crawl."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site_connections.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    analyst: Mapped[str] = mapped_column(String(20))
    model: Mapped[str | None] = mapped_column(String(100))
    prompt_version: Mapped[str] = mapped_column(String(40))
    input_hash: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(100))
    stop_reason: Mapped[str | None] = mapped_column(String(40))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_creation_input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_read_input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    estimated_cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    issues_sent: Mapped[int] = mapped_column(Integer, default=0)
    issues_total: Mapped[int] = mapped_column(Integer, default=0)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    batched: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Message.position",
    )

    __table_args__ = (
        Index(
            "ix_conversations_reuse",
            "site_id",
            "crawl_id",
            "prompt_version",
            "model",
            "input_hash",
        ),
    )


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[MessageRole] = mapped_column(str_enum(MessageRole, "message_role"))
    content: Mapped[str] = mapped_column(Text)
    content_json: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Rollback(Base):
    """A saved state a customer can roll a change back to, until it expires."""

    __tablename__ = "rollbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(
        ForeignKey("site_connections.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Notification(Base):
    """A message to a user (or, with ``user_id`` NULL and kind ``admin_alert``, to the admins)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[str | None] = mapped_column(
        ForeignKey("site_connections.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    is_read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_notifications_is_read_created_at", "is_read", "created_at"),)


class UsageRecord(Base):
    """Usage counters of one user in one calendar month (``YYYY-MM``)."""

    __tablename__ = "usage_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    crawls: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    analyses: Mapped[int] = mapped_column(Integer, default=0)
    ai_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "month"),
        CheckConstraint(
            "crawls >= 0 AND pages >= 0 AND analyses >= 0 AND ai_tokens >= 0",
            name="counters_non_negative",
        ),
    )


class JobState(enum.StrEnum):
    """A ``jobs`` row's life cycle: PENDING → PROCESSING → COMPLETED / FAILED / CANCELED."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class Job(Base):
    """The web app's queue and job history: one row per job, written by the app (type, payload)
    and by the pipeline (status, result, run). Every column but ``type`` and ``payload`` has a
    database default, so a plain SQL ``INSERT`` of those two enqueues a job; ``id`` is generated
    by the database unless the writer gives one."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, server_default=FetchedValue())
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[JobState] = mapped_column(
        str_enum(JobState, "job_status"), server_default=JobState.PENDING.value
    )
    priority: Mapped[int] = mapped_column(Integer, server_default="0")
    payload: Mapped[dict[str, Any]] = mapped_column()
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    max_attempts: Mapped[int] = mapped_column(Integer, server_default="3")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    run_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    site_id: Mapped[str | None] = mapped_column(String(64))
    launched_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_jobs_next_pending", "status", "priority", "created_at"),
        Index("ix_jobs_site_id_created_at", "site_id", "created_at"),
        Index("ix_jobs_completed_at", "completed_at"),
    )


class AnalysisRequestStatus(enum.StrEnum):
    QUEUED = "queued"
    SUBMITTED = "submitted"
    DONE = "done"
    REFUSED = "refused"


class AnalysisRequest(Base):
    """An analysis nobody waits for, on its way through a Message Batch.

    Queued after a crawl, submitted with others in one batch (``request`` holds exactly what was
    sent), done when its result (or its fallback) is stored as ``conversation_id``.
    """

    __tablename__ = "analysis_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site_connections.id", ondelete="CASCADE"))
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id", ondelete="SET NULL"))
    status: Mapped[AnalysisRequestStatus] = mapped_column(
        str_enum(AnalysisRequestStatus, "analysis_request_status"),
        default=AnalysisRequestStatus.QUEUED,
    )
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str | None] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(String(100), index=True)
    submitted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    request: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_analysis_requests_status_site_id", "status", "site_id"),)


DEFAULT_PLANS: tuple[dict[str, Any], ...] = (
    {
        "code": "free",
        "name": "Free",
        "crawls_per_month": 4,
        "pages_per_crawl": 100,
        "analyses_per_month": 4,
    },
    {
        "code": "pro",
        "name": "Pro",
        "crawls_per_month": 100,
        "pages_per_crawl": 5000,
        "analyses_per_month": 100,
    },
    {
        "code": "agency",
        "name": "Agency",
        "crawls_per_month": 1000,
        "pages_per_crawl": 50000,
        "analyses_per_month": 1000,
    },
)
