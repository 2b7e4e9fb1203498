"""Two `sipdesk scheduler` processes at once, and the leader killed mid-run: no alert or digest
is posted twice, and none is lost (the survivor takes the lock and finishes the work)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from slack_sandbox import SlackSandbox
from store.db import Database
from store.models import ChannelLink, ChannelRole, Customer, DigestRun, SipAccount

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SIPDESK = Path(sys.executable).parent / "sipdesk"
CUSTOMERS = 30


def is_alert(message: dict[str, object]) -> bool:
    text = str(message.get("text", ""))
    return not message.get("thread_ts") and ("is Down" in text or "are Down" in text)


def feed(path: Path, registered: list[str]) -> None:
    entries = [
        {"username": u, "contact": f"sip:{u}@192.0.2.9:5060", "user_agent": "Grandstream",
         "source": "192.0.2.9:5060", "expires": 3600}
        for u in registered
    ]  # fmt: skip
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries))
    tmp.replace(path)  # atomically: a poll never reads half a file


class Scheduler:
    def __init__(self, name: str, env: dict[str, str], home: Path) -> None:
        self.log = home / f"{name}.log"
        self.out = self.log.open("wb")
        self.process = subprocess.Popen(
            [str(SIPDESK), "scheduler"], env=env, cwd=home, stdout=self.out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    @property
    def leads(self) -> bool:
        text = self.log.read_text(errors="replace")
        return text.rfind("now the leader") > text.rfind("no longer the leader")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.out.close()


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as running:
        yield running


def test_two_schedulers_and_a_killed_leader_post_every_alert_and_digest_exactly_once(
    pg_database: Database, sandbox: SlackSandbox, redis_url: str, redis_prefix: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    staff = sandbox.add_channel("support-staff", is_private=True)
    channels = [sandbox.add_channel(f"customer-{i}") for i in range(CUSTOMERS)]
    usernames = [f"acct{i:02d}" for i in range(CUSTOMERS)]
    with pg_database.session() as session:
        for i, (channel, username) in enumerate(zip(channels, usernames, strict=True)):
            customer = Customer(
                external_ref=f"C{i}", name=f"Customer {i}", holder_name="x", plan="p",
                country="GB", timezone="Europe/London",
            )  # fmt: skip
            customer.sip_accounts = [SipAccount(username=username, label="Desk")]
            session.add(customer)
            session.flush()
            session.add(
                ChannelLink(channel_id=channel, role=ChannelRole.CUSTOMER, customer_id=customer.id)
            )
    registrations = tmp_path / "registrations.json"
    feed(registrations, usernames)
    env = {
        **os.environ,
        "DATABASE_URL": pg_database.url, "REDIS_URL": redis_url,
        "SIPDESK_REDIS_PREFIX": redis_prefix, "SIPDESK_START_REDIS": "false",
        "SLACK_BOT_TOKEN": sandbox.bot_token, "SLACK_SIGNING_SECRET": sandbox.signing_secret,
        "SLACK_API_URL": sandbox.api_url, "SIPDESK_STAFF_CHANNEL": staff,
        "SIPDESK_REGISTRATIONS_FEED": str(registrations),
        "SIPDESK_WATCH_INTERVAL": "0.5", "SIPDESK_DOWN_AFTER": "0",
        "SIPDESK_LEADER_TTL": "2", "SIPDESK_DIGEST_CRON": "* * * * *",
        "SIPDESK_METRICS_ADDR": "127.0.0.1:0",  # each process its own port
    }  # fmt: skip
    first = Scheduler("first", env, tmp_path)
    second = Scheduler("second", env, tmp_path)
    try:
        leader = sandbox.eventually(
            lambda: next((s for s in (first, second) if s.leads), None), seconds=30
        )
        assert leader is not None, first.log.read_text() + second.log.read_text()
        survivor = second if leader is first else first

        # Slack holds the leader's first alert with a 429, so it dies with alerts claimed,
        # one of them in flight, and the rest not yet posted.
        sandbox.fail_next("chat.postMessage", retry_after=2, times=1)
        feed(registrations, usernames[9:])  # 9 of 30 Down: no storm
        assert sandbox.eventually(
            lambda: any(c.error == "ratelimited" for c in sandbox.calls_to("chat.postMessage")),
            seconds=30,
        )
        leader.kill()
        told = sum(is_alert(m) for c in [*channels, staff] for m in sandbox.messages(c))
        assert told < 10  # it died mid-run: the 9 customers and staff were not all told
        feed(registrations, usernames[12:])  # three more go Down while it is dead

        def every_alert_out() -> bool:
            return all(any(is_alert(m) for m in sandbox.messages(channels[i])) for i in range(12))

        assert sandbox.eventually(every_alert_out, seconds=60), survivor.log.read_text()[-3000:]
        assert sandbox.eventually(lambda: survivor.leads, seconds=5)
    finally:
        first.stop()
        second.stop()

    for i, channel in enumerate(channels):
        downs = [m for m in sandbox.messages(channel) if is_alert(m)]
        assert len(downs) == (1 if i < 12 else 0), (i, downs)
    staff_told = Counter(
        name
        for m in sandbox.messages(staff)
        if is_alert(m)
        for name in usernames[:12]
        if f"`{name}`" in json.dumps(m.get("blocks"))
    )
    assert staff_told == Counter(usernames[:12])  # each outage told to staff exactly once
    with pg_database.session() as session:
        runs = Counter((r.channel_id, r.slot) for r in session.query(DigestRun).all())
    assert runs and max(runs.values()) == 1
    for channel in channels:
        digests = [m for m in sandbox.messages(channel) if "digest" in m.get("text", "")]
        posted_runs = [k for k in runs if k[0] == channel]
        assert len(digests) <= len(posted_runs)
