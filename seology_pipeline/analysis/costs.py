"""What Claude cost per customer: tokens and estimated USD of a month's analyses, by user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from seology_pipeline.db.models import Conversation


@dataclass(frozen=True, slots=True)
class UserMonthCost:
    """One user's analyses in one month (rule-based analyses included, at zero cost)."""

    user_id: str
    month: str
    analyses: int
    batched: int
    input_tokens: int
    output_tokens: int
    cache_write_tokens: int
    cache_read_tokens: int
    cost_usd: float


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of ``YYYY-MM`` and of the month after it, in UTC."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else (start.replace(month=start.month + 1))
    )
    return start, end


def monthly_costs(session: Session, month: str, user_id: str | None = None) -> list[UserMonthCost]:
    """Every user's (or ``user_id``'s) analyses of ``month``, most expensive first."""
    start, end = month_bounds(month)
    query = (
        select(
            Conversation.user_id,
            func.count(),
            func.sum(case((Conversation.batched, 1), else_=0)),
            func.sum(Conversation.input_tokens),
            func.sum(Conversation.output_tokens),
            func.sum(Conversation.cache_creation_input_tokens),
            func.sum(Conversation.cache_read_input_tokens),
            func.sum(Conversation.estimated_cost_usd),
        )
        .where(
            Conversation.created_at >= start,
            Conversation.created_at < end,
            Conversation.user_id.is_not(None),
        )
        .group_by(Conversation.user_id)
    )
    if user_id is not None:
        query = query.where(Conversation.user_id == user_id)
    rows = [
        UserMonthCost(
            user_id=row[0],
            month=month,
            analyses=int(row[1]),
            batched=int(row[2] or 0),
            input_tokens=int(row[3] or 0),
            output_tokens=int(row[4] or 0),
            cache_write_tokens=int(row[5] or 0),
            cache_read_tokens=int(row[6] or 0),
            cost_usd=round(float(row[7] or 0.0), 6),
        )
        for row in session.execute(query)
    ]
    return sorted(rows, key=lambda row: (-row.cost_usd, row.user_id))
