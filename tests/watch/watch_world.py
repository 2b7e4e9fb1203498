"""A small world for the watch: two customers with SIP accounts and channels, a registrar we
steer by hand, and a Notifier that records what it would have said (Slack is tested elsewhere)."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.notify import NotDelivered
from handlers.watch.policy import WatchPolicy
from store.db import Database
from store.models import ChannelLink, ChannelRole, Customer, SipAccount
from telephony.errors import PlatformUnavailable
from telephony.types import Contact, Registrations

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STAFF = "CSTAFF"
POLICY = WatchPolicy(
    down_after=timedelta(seconds=120),
    interval=timedelta(seconds=30),
    storm_share=0.3,
    staff_channel=STAFF,
)


@dataclass
class Said:
    method: str
    channel: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    ts: str | None = None
    thread_ts: str | None = None
    key: str | None = None


@dataclass
class RecordingNotifier:
    said: list[Said] = field(default_factory=list)
    fail_posts: int = 0
    # Posts that reach Slack, then the poster dies before it hears back (raised here).
    lose_answers: int = 0
    # Channels Slack will never take a post in (archived, the bot removed): each try is counted.
    gone: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        with self._lock:
            if channel in self.gone:
                self.refused.append(channel)
                raise NotDelivered("is_archived")
            if self.fail_posts:
                self.fail_posts -= 1
                raise RuntimeError("Slack said no")
            ts = f"{next(self._ids)}.000"
            self.said.append(Said("post", channel, text, blocks, ts, thread_ts, key))
            if self.lose_answers:
                self.lose_answers -= 1
                raise RuntimeError("killed between Slack's answer and storing the ts")
            return ts

    def find_posted(self, channel: str, key: str, *, thread_ts: str | None = None) -> str | None:
        with self._lock:
            self.said.append(Said("history", channel, key, None, None, thread_ts))
            # History holds no replies; a thread, only its own.
            for s in reversed(self.said):
                if (s.method, s.channel, s.key, s.thread_ts) == ("post", channel, key, thread_ts):
                    return s.ts
            return None

    def update(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        with self._lock:
            self.said.append(Said("update", channel, text, blocks, ts))

    def ephemeral(self, channel: str, user: str, text: str, blocks: Any = None, **_: Any) -> None:
        with self._lock:
            self.said.append(Said("ephemeral", channel, text, blocks))

    def upload(self, channel: str, filename: str, content: bytes, **kw: Any) -> None:
        with self._lock:
            self.said.append(Said("upload", channel, filename, None, None, kw.get("thread_ts")))

    def posts(self, channel: str | None = None, *, top_level: bool = True) -> list[Said]:
        return [
            s
            for s in self.said
            if s.method == "post"
            and (channel is None or s.channel == channel)
            and (not top_level or s.thread_ts is None)
        ]

    def replies(self, ts: str) -> list[Said]:
        return [s for s in self.said if s.method == "post" and s.thread_ts == ts]

    def updates(self, ts: str) -> list[Said]:
        return [s for s in self.said if s.method == "update" and s.ts == ts]


def contact(username: str, port: int = 5060, ua: str = "Yealink T46U") -> Contact:
    return Contact(
        contact_uri=f"sip:{username}@198.51.100.7:{port}",
        user_agent=ua,
        source=f"198.51.100.7:{port}",
        expires_at=None,
    )


class Registrar:
    """The registrations source, steered by the test: who is registered, or broken."""

    def __init__(self) -> None:
        self.registered: dict[str, tuple[Contact, ...]] = {}
        self.broken = False

    def up(self, *usernames: str) -> None:
        for u in usernames:
            self.registered[u] = (contact(u),)

    def down(self, *usernames: str) -> None:
        for u in usernames:
            self.registered.pop(u, None)

    def registrations(self) -> Registrations:
        if self.broken:
            raise PlatformUnavailable("The registrations feed is not answering.")
        return Registrations(dict(self.registered))


@dataclass
class Customers:
    globex: int
    initech: int
    globex_channel: str
    initech_channel: str
    accounts: dict[str, int]  # username -> id


def make_customers(
    db: Database, *, globex_accounts: int = 2, initech_accounts: int = 1, zone: str = "UTC"
) -> Customers:
    accounts: dict[str, int] = {}
    with db.session() as session:
        made = []
        for ref, name, n, channel in (
            ("GLOBEX-001", "Globex Dental", globex_accounts, "CGLOBEX"),
            ("INITECH-042", "Initech", initech_accounts, "CINITECH"),
        ):
            customer = Customer(
                external_ref=ref, name=name, holder_name=name, plan="business",
                country="GB", timezone=zone,
            )  # fmt: skip
            customer.sip_accounts = [
                SipAccount(username=f"{ref[:3].lower()}{i}", label=f"Desk {i}") for i in range(n)
            ]
            session.add(customer)
            session.flush()
            session.add(
                ChannelLink(channel_id=channel, role=ChannelRole.CUSTOMER, customer_id=customer.id)
            )
            made.append(customer.id)
            accounts.update({a.username: a.id for a in customer.sip_accounts})
        session.add(ChannelLink(channel_id=STAFF, role=ChannelRole.STAFF))
    return Customers(made[0], made[1], "CGLOBEX", "CINITECH", accounts)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)
