"""How fast the watch compares snapshots and builds digests.

Run: ``.venv/bin/python bench/watch.py [--accounts N] [--channels N]``

1. Snapshots: ``handlers.watch.snapshot.compare`` of what the database believes about 100,000
   SIP accounts against a fresh read of the registrar where 2% changed (some gone, some back,
   some new devices). Prints the compare's time (best of 5) and the peak memory, traced, of
   holding both snapshots and comparing them. Target: under 0.5 s and 150 MB.
2. Digests: every digest of 5,000 customer channels (plus the staff one, with its chart)
   built, claimed and "posted" to a notifier that only counts, over a SQLite file with one
   SIP account per channel and outages on 5% of them.

Nothing here touches the network or the project's data (a temporary SQLite file).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.digests.flow import DigestPolicy, build, recipients, send_now  # noqa: E402
from handlers.watch.snapshot import Known, compare  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import (  # noqa: E402
    AccountStatus,
    ChannelLink,
    ChannelRole,
    Customer,
    Outage,
    SipAccount,
)
from telephony.types import Contact, Registrations  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def snapshots(accounts: int) -> tuple[list[Known], Registrations]:
    known: list[Known] = []
    current: dict[str, tuple[Contact, ...]] = {}
    for i in range(accounts):
        username = f"u{i:09d}"
        status = AccountStatus.DOWN if i % 50 == 0 else AccountStatus.UP
        known.append(
            Known(i, username, status, None, "Yealink T46U", f"10.{i % 250}.0.1:5060", False)
        )
        if i % 50 == 1:
            continue  # gone since the last poll
        devices = 2 if i % 500 == 7 else 1
        current[username] = tuple(
            Contact(f"sip:{username}@10.0.0.{d}:5060", "Yealink T46U", f"10.{i % 250}.0.1:5060",
                    NOW + timedelta(seconds=600))
            for d in range(devices)
        )  # fmt: skip
    return known, Registrations(current, NOW)


def bench_snapshots(accounts: int) -> None:
    tracemalloc.start()
    known, current = snapshots(accounts)
    changes = compare(known, current, at=NOW, down_after=timedelta(seconds=120))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        changes = compare(known, current, at=NOW, down_after=timedelta(seconds=120))
        best = min(best, time.perf_counter() - started)
    print(f"snapshots: {accounts:,} SIP accounts compared in {best * 1000:.0f} ms "
          f"(target < 500 ms), peak memory {peak / 2**20:.0f} MB (target < 150 MB)")  # fmt: skip
    print(f"  changes: {len(changes.came_up)} up, {len(changes.went_unregistered)} unregistered, "
          f"{len(changes.two_devices)} two devices")  # fmt: skip


class CountingNotifier:
    def __init__(self) -> None:
        self.posts = 0
        self.uploads = 0

    def post(self, channel: str, text: str, blocks: Any = None, **_: Any) -> str:
        self.posts += 1
        return f"{self.posts}.0"

    def update(self, *_: Any, **__: Any) -> None:
        pass

    def find_posted(self, *_: Any, **__: Any) -> str | None:
        return None

    def ephemeral(self, *_: Any, **__: Any) -> None:
        pass

    def upload(self, *_: Any, **__: Any) -> None:
        self.uploads += 1


def bench_digests(channels: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        db = Database(f"sqlite:///{home}/bench.sqlite3")
        upgrade(db)
        zones = ("Europe/Dublin", "Europe/London", "America/New_York", "Asia/Tokyo")
        with db.session() as session:
            for i in range(channels):
                customer = Customer(
                    external_ref=f"C{i}", name=f"Customer {i}", holder_name="x", plan="p",
                    country="IE", timezone=zones[i % len(zones)],
                )  # fmt: skip
                customer.sip_accounts = [SipAccount(username=f"u{i:06d}", label="Reception")]
                session.add(customer)
            session.flush()
            for customer in session.query(Customer).all():
                account = customer.sip_accounts[0]
                session.add(
                    ChannelLink(channel_id=f"C{customer.id:08d}", role=ChannelRole.CUSTOMER,
                                customer_id=customer.id)
                )  # fmt: skip
                if customer.id % 20 == 0:
                    session.add(
                        Outage(sip_account_id=account.id, started_at=NOW - timedelta(hours=3),
                               ended_at=NOW - timedelta(hours=1))
                    )  # fmt: skip
        policy = DigestPolicy(staff_channel="CSTAFF")
        with db.session() as session:
            due = [(r, NOW) for r in recipients(session, policy)]
        started = time.perf_counter()
        built = build(db, due, {}, NOW)
        building = time.perf_counter() - started
        notifier = CountingNotifier()
        started = time.perf_counter()
        sent = send_now(db, notifier, policy, NOW + timedelta(minutes=1))  # type: ignore[arg-type]
        took = time.perf_counter() - started
        db.dispose()
    print(f"digests: {len(built):,} built for {channels:,} channels in {building:.2f} s; "
          f"built, claimed (one commit each) and posted: {sent:,} in {took:.2f} s "
          f"({took / max(sent, 1) * 1000:.2f} ms each), {notifier.uploads} chart")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=5_000)
    args = parser.parse_args()
    bench_snapshots(args.accounts)
    bench_digests(args.channels)


if __name__ == "__main__":
    main()
