"""What a digest says, read from the store in a few queries: typed data, no Slack."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.models import AccountStatus, Customer, Outage, SipAccount


@dataclass(frozen=True)
class OutageRow:
    customer_id: int
    customer: str
    label: str
    username: str
    started_at: datetime
    ended_at: datetime | None
    silenced: bool

    def length(self, now: datetime) -> timedelta:
        return (self.ended_at or now) - self.started_at


@dataclass
class CustomerDigest:
    since: datetime | None  # the previous digest; None: this is the first
    down_now: list[OutageRow] = field(default_factory=list)
    outages: list[OutageRow] = field(default_factory=list)  # ended since `since`

    @property
    def all_clear(self) -> bool:
        return not self.down_now and not self.outages


@dataclass
class StaffDigest:
    since: datetime | None
    accounts: int
    down_now: int
    outages: int
    longest: list[OutageRow]
    most_down: list[tuple[str, int]]  # customer, accounts Down now
    down_per_day: list[tuple[str, int]]  # day label, accounts Down some time that day


class Outages:
    """Every outage open now or ended after `since`, grouped by customer (one query)."""

    def __init__(self, session: Session, since: datetime) -> None:
        rows = session.execute(
            select(
                Customer.id,
                Customer.name,
                SipAccount.label,
                SipAccount.username,
                Outage.started_at,
                Outage.ended_at,
                Outage.silenced,
            )
            .join(SipAccount, SipAccount.id == Outage.sip_account_id)
            .join(Customer, Customer.id == SipAccount.customer_id)
            .where(or_(Outage.ended_at.is_(None), Outage.ended_at >= since))
            .order_by(Outage.started_at)
        ).all()
        self.by_customer: dict[int, list[OutageRow]] = defaultdict(list)
        for row in rows:
            item = OutageRow(*row)
            self.by_customer[item.customer_id].append(item)

    def customer(self, customer_id: int, since: datetime | None) -> CustomerDigest:
        digest = CustomerDigest(since)
        for row in self.by_customer.get(customer_id, ()):
            if row.ended_at is None:
                digest.down_now.append(row)
            elif since is None or row.ended_at >= since:
                digest.outages.append(row)
        return digest

    def staff(self, session: Session, since: datetime | None, now: datetime) -> StaffDigest:
        every = [r for rows in self.by_customer.values() for r in rows]
        recent = [r for r in every if since is None or r.ended_at is None or r.ended_at >= since]
        down_by_customer: dict[str, int] = defaultdict(int)
        for r in every:
            if r.ended_at is None:
                down_by_customer[r.customer] += 1
        accounts = session.scalar(select(func.count()).select_from(SipAccount)) or 0
        down_now = (
            session.scalar(
                select(func.count())
                .select_from(SipAccount)
                .where(SipAccount.status == AccountStatus.DOWN)
            )
            or 0
        )
        return StaffDigest(
            since=since,
            accounts=accounts,
            down_now=down_now,
            outages=len(recent),
            longest=sorted(recent, key=lambda r: r.length(now), reverse=True)[:5],
            most_down=sorted(down_by_customer.items(), key=lambda kv: (-kv[1], kv[0]))[:5],
            down_per_day=down_per_day(session, now),
        )


def down_per_day(session: Session, now: datetime, days: int = 7) -> list[tuple[str, int]]:
    """Accounts Down at some time of each of the last `days` days (UTC), oldest first."""
    first = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    spans = session.execute(
        select(Outage.sip_account_id, Outage.started_at, Outage.ended_at).where(
            or_(Outage.ended_at.is_(None), Outage.ended_at >= first)
        )
    ).all()
    result: list[tuple[str, int]] = []
    for n in range(days):
        start = first + timedelta(days=n)
        end = start + timedelta(days=1)
        accounts = {a for a, s, e in spans if s < end and (e is None or e >= start)}
        result.append((start.strftime("%a %d"), len(accounts)))
    return result
