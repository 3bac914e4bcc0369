"""Rows every area's tests need: a user with a subscription and a connected site."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    CrawlFrequency,
    SiteConnection,
    Subscription,
    SubscriptionStatus,
    User,
)


def add_customer(
    engine: Engine,
    site_url: str,
    *,
    user_id: str = "user-1",
    site_id: str = "site-1",
    plan: str = "pro",
    max_pages: int = 50,
    frequency: CrawlFrequency = CrawlFrequency.MANUAL,
    created_at: datetime | None = None,
    with_user: bool = True,
) -> str:
    """Insert a user with an active subscription (unless ``with_user`` is False) and a site."""
    with session_scope(engine) as session:
        if with_user:
            session.add(User(id=user_id, email=f"{user_id}@example.com", name=user_id))
            session.flush()
            session.add(
                Subscription(user_id=user_id, plan_code=plan, status=SubscriptionStatus.ACTIVE)
            )
        site = SiteConnection(
            id=site_id,
            user_id=user_id,
            root_url=site_url,
            name=f"Site {site_id}",
            default_max_pages=max_pages,
            crawl_frequency=frequency,
        )
        if created_at is not None:
            site.created_at = created_at
        session.add(site)
    return site_id
