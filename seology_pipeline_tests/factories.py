"""What many tests need: a user with a subscription and a connected site, a tiny site."""

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
from seology_pipeline_tests.sites import page

BOOKSHOP = {
    "/": page(
        '<html lang="en"><head><title>Riverside Books: used and rare books</title></head>'
        '<body><h1>Riverside Books</h1><a href="/shop">Shop</a> <a href="/about">About</a>'
        ' <a href="/gone">Old page</a></body></html>'
    ),
    "/shop": page("<html><head><title>Shop</title></head><body><p>Books.</p></body></html>"),
    "/about": page('<html><body><h1>About</h1><a href="/">Home</a></body></html>'),
}
"""A tiny site for ``sites.serve_site``: 3 pages, a broken link, a missing title."""


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
