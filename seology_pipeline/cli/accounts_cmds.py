"""``seology users`` and ``seology sites``: customers and their site connections."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import click
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.output import echo_table
from seology_pipeline.crawl.guard import HostResolutionError, NetworkGuardError, check_url
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.db.models import (
    CrawlFrequency,
    Plan,
    SiteConnection,
    Subscription,
    SubscriptionStatus,
    User,
)
from seology_pipeline.names import MAX_PAGES
from seology_pipeline.settings import load_settings

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
INTERNAL_ADDRESS = re.compile(r"refused internal address (\S+)")


def url_refusal(typed: str, checked: str, exc: Exception) -> str:
    """One line on why the site URL is refused, naming the URL once and, for a private address,
    the settings that allow it."""
    reason = str(exc).removeprefix(f"{checked}: ")
    internal = INTERNAL_ADDRESS.search(reason)
    if internal:
        return (
            f"refusing {typed}: {reason}; to crawl it, allow the address with "
            f"SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST={internal.group(1)} (or every private "
            "address with SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS=true)"
        )
    if typed in reason or checked in reason:
        return f"refusing the site: {reason}"
    return f"refusing {typed}: {reason}"


def _checked_id(value: str, what: str) -> str:
    if not ID_PATTERN.match(value):
        raise CommandError(f"{what} {value!r} must be 1-64 letters, digits, '_', '.', ':' or '-'")
    return value


@click.group()
def users() -> None:
    """Customers (users with a subscription)."""


@users.command("add")
@click.argument("user_id")
@click.option("--email", help="E-mail address (unique).")
@click.option("--name", help="Display name.")
@click.option("--plan", default="free", show_default=True, help="Plan code: free, pro, agency.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in SubscriptionStatus]),
    default="active",
    show_default=True,
)
def add_user(user_id: str, email: str | None, name: str | None, plan: str, status: str) -> None:
    """Add a user with a subscription to PLAN."""
    engine = connected_engine()
    _checked_id(user_id, "user id")
    try:
        with session_scope(engine) as session:
            if session.get(Plan, plan) is None:
                codes = ", ".join(session.scalars(select(Plan.code)))
                raise CommandError(f"unknown plan {plan!r}; choose one of: {codes}")
            if session.get(User, user_id) is not None:
                raise CommandError(f"user {user_id!r} already exists")
            session.add(User(id=user_id, email=email, name=name))
            session.flush()
            session.add(
                Subscription(user_id=user_id, plan_code=plan, status=SubscriptionStatus(status))
            )
    except IntegrityError:
        raise CommandError(f"e-mail {email!r} is already used by another user") from None
    click.echo(f"user {user_id} added ({plan}, {status})")


@click.group()
def sites() -> None:
    """Site connections (each one is a partition in Dagster)."""


@sites.command("add")
@click.argument("url")
@click.option("--user", "user_id", required=True, help="Owner's user id.")
@click.option("--id", "site_id", help="Site id (default: generated).")
@click.option("--name", help="Display name (default: the host).")
@click.option("--max-pages", type=click.IntRange(1, MAX_PAGES), default=100, show_default=True)
@click.option(
    "--frequency",
    type=click.Choice([f.value for f in CrawlFrequency]),
    default="manual",
    show_default=True,
    help="How often the site is re-crawled.",
)
def add_site(
    url: str,
    user_id: str,
    site_id: str | None,
    name: str | None,
    max_pages: int,
    frequency: str,
) -> None:
    """Connect the site at URL for a user; the sensor then registers and crawls it."""
    settings = load_settings().crawl_settings(root_url=url)
    try:
        check_url(
            settings.root_url,
            allow_private=settings.allow_private_networks,
            allowlist=settings.private_network_allowlist,
        )
    except (NetworkGuardError, HostResolutionError) as exc:
        raise CommandError(url_refusal(url, settings.root_url, exc)) from None
    site_id = _checked_id(site_id or uuid.uuid4().hex[:12], "site id")
    engine = connected_engine()
    with session_scope(engine) as session:
        if session.get(User, user_id) is None:
            raise CommandError(f"user {user_id!r} does not exist; add it with `seology users add`")
        if session.get(SiteConnection, site_id) is not None:
            raise CommandError(f"site {site_id!r} already exists")
        session.add(
            SiteConnection(
                id=site_id,
                user_id=user_id,
                root_url=settings.root_url,
                name=name or urlsplit(settings.root_url).hostname or settings.root_url,
                default_max_pages=max_pages,
                crawl_frequency=CrawlFrequency(frequency),
            )
        )
    click.echo(site_id)


@sites.command("list")
@click.option("--user", "user_id", help="Only this user's sites.")
def list_sites(user_id: str | None) -> None:
    """List site connections with their last crawl."""
    engine = connected_engine()
    with session_scope(engine) as session:
        query = select(SiteConnection).order_by(SiteConnection.created_at, SiteConnection.id)
        if user_id:
            query = query.where(SiteConnection.user_id == user_id)
        rows = [
            {
                "id": site.id,
                "user": site.user_id,
                "url": site.root_url,
                "active": "yes" if site.is_active else "no",
                "frequency": site.crawl_frequency.value,
                "max_pages": site.default_max_pages,
                "last_crawled": site.last_crawled_at.strftime("%Y-%m-%d %H:%M")
                if site.last_crawled_at
                else "-",
            }
            for site in session.scalars(query)
        ]
    echo_table(rows, empty="no sites")
