"""Kill anything, fail any call: nothing lost, nothing twice.

Three `sipdesk run` replicas behind haproxy, two `sipdesk worker`, two `sipdesk scheduler`, on
PostgreSQL and Redis. 50 new-SIP and caller-ID requests are asked and approved while a random
worker or scheduler is killed -9 every 2 s (and started again), Slack (the sandbox) answers 1
call in 20 with an error or a 429, and 10 SIP accounts go Down and come back Up. At the end:
every approved request applied exactly once (counted on the platform), every requester told
once and holding a credentials link, one alert and one recovery per outage. It prints its
figures. The seed is fixed (SIPDESK_CHAOS_SEED to change it); SIPDESK_CHAOS_SECONDS makes the
killing last longer than its default 40 s.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from cluster import SIPDESK, Cluster, base_env
from sqlalchemy import func, select

from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox
from slack_sandbox.threads import thread_texts
from store.db import Database
from store.models import AlertMessage, Outage, OutageAlert, Request, RequestState, SipAccount

SEED = int(os.environ.get("SIPDESK_CHAOS_SEED", "18"))
KILLING_SECONDS = float(os.environ.get("SIPDESK_CHAOS_SECONDS", "40"))
REQUESTS = 50
NEW_SIP = 25
OUTAGES = 10
# Each customer asks in five shared channels (Slack paces posts per channel: with one channel
# each, the run would mostly wait for Slack's one message a second).
CHANNELS_EACH = 5
INTERNATIONAL = "+442079460123"
T = TypeVar("T")


def eventually(probe: Callable[[], T], seconds: float) -> T:
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


@dataclass(frozen=True)
class Channels:
    """The customers' shared channels: the demo world's one each, and more like it."""

    globex: list[str]
    initech: list[str]

    @classmethod
    def open(cls, sandbox: SlackSandbox, world: DemoWorld) -> Channels:
        globex, initech = [world.globex_channel], [world.initech_channel]
        for n in range(1, CHANNELS_EACH):
            globex.append(
                sandbox.add_channel(
                    f"globex-voip-{n}",
                    members=[world.alice, world.carol],
                    shared_with_team=world.globex_team,
                )
            )
            initech.append(
                sandbox.add_channel(
                    f"initech-voip-{n}",
                    members=[world.bob, world.dave],
                    shared_with_team=world.initech_team,
                )
            )
        return cls(globex, initech)


def accounts_file(world: DemoWorld, channels: Channels, path: Path) -> Path:
    """Globex: 25 accounts for the caller-ID requests; Initech: 10 accounts the watch sees go
    Down and Up (plus the new ones it asks for, free on its plan)."""
    customers = [
        {
            "ref": "GLOBEX-001", "name": "Globex Dental", "holder_name": "Globex Dental Care Ltd",
            "plan": "starter", "country": "IE", "timezone": "Europe/Dublin",
            "numbers": ["+35312345678", INTERNATIONAL],
            "sip_accounts": [
                {"username": f"glob{n:02d}chao", "label": f"Globex {n:02d}",
                 "pstn_caller_id": "+35312345678"}
                for n in range(REQUESTS - NEW_SIP)
            ],
            "channels": channels.globex,
            "slack_team": world.globex_team,  # only Globex's people ask in its channel
        },
        {
            "ref": "INITECH-042", "name": "Initech Logistics", "holder_name": "Initech",
            "plan": "starter", "country": "IE", "timezone": "Europe/Dublin",
            "numbers": ["+35318765432"],
            "sip_accounts": [
                {"username": f"init{n:02d}chao", "label": f"Initech {n:02d}"}
                for n in range(OUTAGES)
            ],
            "channels": channels.initech,
            "slack_team": world.initech_team,
        },
    ]  # fmt: skip
    plans = {"starter": {"new_sip_account": 0, "currency": "EUR", "per": "month"}}
    path.write_text(yaml.safe_dump({"version": 1, "plans": plans, "customers": customers}))
    return path


class Feed:
    """The registrations feed file the built-in platform reads: every account in the database is
    registered (new ones within half a second), but those the test has taken Down."""

    def __init__(self, path: Path, db: Database) -> None:
        self.path = path
        self.db = db
        self.down: set[str] = set()
        self._stop = threading.Event()
        self.write()
        self._thread = threading.Thread(target=self._keep, daemon=True)
        self._thread.start()

    def set(self, username: str, up: bool) -> None:
        (self.down.discard if up else self.down.add)(username)
        self.write()

    def close(self) -> None:
        self._stop.set()

    def _keep(self) -> None:
        while not self._stop.wait(0.5):
            self.write()

    def write(self) -> None:
        with self.db.session() as session:
            usernames = set(session.scalars(select(SipAccount.username)))
        entries = [
            {"username": u, "contact": f"sip:{u}@198.51.100.7:5060", "expires": 3600,
             "user_agent": "Yealink T46U", "source": "198.51.100.7:5060"}
            for u in sorted(usernames - self.down)
        ]  # fmt: skip
        partial = self.path.with_suffix(f".{threading.get_ident()}.tmp")
        partial.write_text(json.dumps(entries))
        partial.replace(self.path)  # the scheduler never reads half a file


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as running:
        yield running


@pytest.mark.timeout(900)
def test_kill_anything_fail_any_call_nothing_lost_nothing_twice(
    sandbox: SlackSandbox, pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    world = sandbox.seed_demo_world()
    channels = Channels.open(sandbox, world)
    logs = tmp_path / "logs"
    logs.mkdir()
    watched = [f"init{n:02d}chao" for n in range(OUTAGES)]
    feed_path = tmp_path / "registrations.json"
    env = base_env(
        **sandbox.bot_env(),
        DATABASE_URL=pg_database.url,
        REDIS_URL=redis_url,
        SIPDESK_REDIS_PREFIX=redis_prefix,
        SIPDESK_START_REDIS="false",
        SIPDESK_HOME=str(tmp_path / "home"),
        SIPDESK_STAFF_CHANNEL=world.staff_channel,
        SIPDESK_STAFF_USERGROUP=world.staff_group,
        SIPDESK_REGISTRATIONS_FEED=str(feed_path),
        SIPDESK_WATCH_INTERVAL="1",
        SIPDESK_DOWN_AFTER="4",
        SIPDESK_STORM_SHARE="1",
    )
    accounts = accounts_file(world, channels, tmp_path / "accounts.yml")
    imported = subprocess.run(
        [SIPDESK, "import-accounts", str(accounts)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    feed = Feed(feed_path, pg_database)

    cluster = Cluster(env, logs).start(replicas=3, workers=2, schedulers=2)
    killed: Counter[str] = Counter()
    stop_killing = threading.Event()
    try:
        time.sleep(3)  # the first poll has seen everyone registered
        sandbox.fail_at_random(0.05, seed=SEED)
        killer = threading.Thread(
            target=_kill_every_2_s, args=(cluster, rng, stop_killing, killed), daemon=True
        )
        killer.start()
        outages = threading.Thread(
            target=_outages, args=(feed, watched, rng, pg_database), daemon=True
        )
        outages.start()
        slack = SlackDriver(cluster.url, sandbox.signing_secret, sandbox, timeout=30)
        started = time.monotonic()
        asked = _ask(slack, sandbox, pg_database, world, channels, rng)
        asked_after = time.monotonic() - started
        approved = _approve_all(slack, sandbox, world, pg_database, deadline=started + 400)
        approved_after = time.monotonic() - started
        outages.join()
        remaining = KILLING_SECONDS - (time.monotonic() - started)
        stop_killing.wait(max(remaining, 0))
        stop_killing.set()
        killer.join()
        sandbox.fail_at_random(0, seed=SEED)
        # Quiet now: the sweepers, heartbeats and claim leases (60 s) finish what was cut short.
        quiet_at = time.monotonic()
        settling = _settle(pg_database, 300)
        figures = _figures(pg_database, sandbox, world)
        print(
            f"\nchaos (seed {SEED}): {asked} asked, {approved} approved, killed -9: "
            f"{dict(killed)}, Slack calls {len(sandbox.calls)} of which failed "
            f"{sum(not c.ok for c in sandbox.calls)}, {time.monotonic() - started:.0f} s in all "
            f"(asked in {asked_after:.0f} s, all approved after {approved_after:.0f} s, settled "
            f"{time.monotonic() - quiet_at:.0f} s after the killing stopped)"
        )
        print("chaos figures:", figures)
        print("chaos settling:", " | ".join(f"{at:.0f} s {owed}" for at, owed in settling))
        names = {world.staff_channel: "staff"}
        names.update({c: "globex" for c in channels.globex})
        names.update({c: "initech" for c in channels.initech})
        per_channel = Counter(
            (c.method, names.get(str(c.args.get("channel")), "other")) for c in sandbox.calls
        )
        print("chaos Slack calls:", dict(per_channel.most_common()))
        assert not settling[-1][1], (settling[-1], figures)
    finally:
        stop_killing.set()
        cluster.stop()
        feed.close()

    _assert_exactly_once(pg_database, sandbox, world, channels)


def _kill_every_2_s(
    cluster: Cluster, rng: random.Random, stop: threading.Event, killed: Counter[str]
) -> None:
    victims = [*cluster.workers, *cluster.schedulers]
    while not stop.wait(2.0):
        victim = rng.choice(victims)
        if not victim.ready:
            continue  # still starting (slow on a loaded machine): this tick spares it
        victim.kill()
        killed[victim.name.rstrip("0123456789")] += 1
        victim.start()


def _outages(feed: Feed, watched: list[str], rng: random.Random, db: Database) -> None:
    """Each watched account goes Down (unregistered), a few at a time, and comes back Up once
    the watch has opened its outage (a leader killed mid-poll only delays that)."""
    for username in watched:
        feed.set(username, up=False)
        time.sleep(rng.uniform(0.5, 1.0))
    for username in watched:
        eventually(lambda u=username: _outage_open(db, u), 240)  # type: ignore[misc]
        feed.set(username, up=True)


def _outage_open(db: Database, username: str) -> bool:
    with db.session() as session:
        return bool(
            session.scalar(
                select(func.count())
                .select_from(Outage)
                .join(SipAccount, SipAccount.id == Outage.sip_account_id)
                .where(SipAccount.username == username)
            )
        )


def _ask(
    slack: SlackDriver,
    sandbox: SlackSandbox,
    db: Database,
    world: DemoWorld,
    channels: Channels,
    rng: random.Random,
) -> int:
    """Each person asks, and asks again when the bot told them to try again (Slack refused one
    of the calls the ask needs: a person reads the sentence and tries once more)."""
    initech, globex = channels.initech, channels.globex
    asks: list[tuple[str, str, str, str, str]] = [
        ("/sip", f"new Desk {n:02d}", world.dave, initech[n % len(initech)], f"Desk {n:02d}")
        for n in range(NEW_SIP)
    ]
    asks += [
        (
            "/callerid", f"glob{n:02d}chao {INTERNATIONAL}", world.carol,
            globex[n % len(globex)], f"glob{n:02d}chao",
        )
        for n in range(REQUESTS - NEW_SIP)
    ]  # fmt: skip
    rng.shuffle(asks)
    for command, text, user, channel, what in asks:
        for _ in range(5):
            told = _told_to_try_again(sandbox, user)
            _retry(
                lambda c=command, t=text, u=user, ch=channel: slack.slash_command(  # type: ignore[misc]
                    c, t, user=u, channel=ch
                )
            )
            answered = eventually(
                lambda w=what, u=user, n=told: (  # type: ignore[misc]
                    w in _asked(db) or _told_to_try_again(sandbox, u) > n
                ),
                30,
            )
            if answered and what in _asked(db):
                break
        else:
            raise AssertionError(f"{user} never got {text!r} asked")
    return len(asks)


def _asked(db: Database) -> set[str]:
    """What has a request: the new accounts' labels and the caller-ID requests' accounts."""
    with db.session() as session:
        rows = session.execute(
            select(Request.details, SipAccount.username).join(
                SipAccount, SipAccount.id == Request.sip_account_id, isouter=True
            )
        ).all()
    return {str(details.get("label") or username) for details, username in rows}


def _told_to_try_again(sandbox: SlackSandbox, user: str) -> int:
    return sum(
        1
        for r in sandbox.responses
        if r.user == user and "try again" in str(r.body.get("text", "")).lower()
    )


def _approve_all(
    slack: SlackDriver, sandbox: SlackSandbox, world: DemoWorld, db: Database, deadline: float
) -> int:
    """Staff click Approve on each card as it shows, again if a click got lost."""
    clicked: dict[int, float] = {}
    began = time.monotonic()
    all_carded = False
    while time.monotonic() < deadline:
        with db.session() as session:
            rows = session.execute(
                select(Request.id, Request.state, Request.staff_message_ts)
            ).all()
        if not all_carded and len(rows) >= REQUESTS and all(r.staff_message_ts for r in rows):
            all_carded = True
            print(f"\nchaos: every card posted {time.monotonic() - began:.0f} s after the asks")
        approved = [r for r in rows if r.state not in (RequestState.PENDING_APPROVAL,)]
        if len(rows) >= REQUESTS and len(approved) == len(rows):
            return len(rows)
        for request_id, state, staff_ts in rows:
            if state is not RequestState.PENDING_APPROVAL or staff_ts is None:
                continue
            if time.monotonic() - clicked.get(request_id, 0) < 10:
                continue
            card = sandbox.message(world.staff_channel, staff_ts)
            value = _button(card, "approval_approve") if card else None
            if value is None:
                continue
            clicked[request_id] = time.monotonic()
            _retry(
                lambda v=value, ts=staff_ts: slack.block_action(  # type: ignore[misc]
                    "approval_approve", v, user=world.alice, channel=world.staff_channel,
                    message_ts=ts,
                )
            )  # fmt: skip
        time.sleep(0.5)
    raise AssertionError(
        f"not every request was approved in time: {Counter(r.state for r in rows)}"
    )


def _button(message: dict[str, Any], action_id: str) -> str | None:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return str(element.get("value"))
    return None


def _retry(send: Callable[[], Any]) -> None:
    for _ in range(5):
        try:
            send()
            return
        except Exception:  # a replica or the proxy busy: Slack retries too
            time.sleep(1)


def _outstanding(db: Database) -> dict[str, int]:
    """What is still owed once the killing stopped; settled when every count is 0."""
    with db.session() as session:

        def count(model: Any, *where: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        return {
            "not applied": REQUESTS - count(Request, Request.state == RequestState.APPLIED),
            "applied, not told": count(Request, Request.applied_told_at.is_(None)),
            "outages open": count(Outage, Outage.ended_at.is_(None)),
            "outages not seen": OUTAGES - count(Outage),
            "alerts not posted": count(AlertMessage, AlertMessage.ts.is_(None)),
            "recoveries not told": count(OutageAlert, OutageAlert.recovery_told_at.is_(None)),
        }


def _settle(db: Database, seconds: float) -> list[tuple[float, dict[str, int]]]:
    """Wait until nothing is owed; returns when each change in what was owed was seen."""
    started = time.monotonic()
    seen: list[tuple[float, dict[str, int]]] = []
    while True:
        owed = {k: v for k, v in _outstanding(db).items() if v}
        if not seen or seen[-1][1] != owed:
            seen.append((time.monotonic() - started, owed))
        if not owed or time.monotonic() - started > seconds:
            return seen
        time.sleep(0.5)


def _figures(db: Database, sandbox: SlackSandbox, world: DemoWorld) -> dict[str, Any]:
    with db.session() as session:
        states = Counter(s.value for s in session.scalars(select(Request.state)))
        outages = session.scalar(select(func.count()).select_from(Outage))
        alerts = session.scalar(select(func.count()).select_from(AlertMessage))
    return {"requests": states, "outages": outages, "alert messages": alerts}


def _assert_exactly_once(
    db: Database, sandbox: SlackSandbox, world: DemoWorld, channels: Channels
) -> None:
    from handlers.notify import key_of

    with db.session() as session:
        requests = list(session.scalars(select(Request).order_by(Request.id)))
        initech_labels = Counter(
            session.scalars(select(SipAccount.label).where(SipAccount.label.like("Desk %")))
        )
        globex_ids = dict(
            session.execute(
                select(SipAccount.username, SipAccount.pstn_caller_id).where(
                    SipAccount.username.like("glob%")
                )
            ).all()
        )
        outages = list(session.scalars(select(Outage)))
        alerts = list(session.scalars(select(AlertMessage)))
        alert_links = list(session.scalars(select(OutageAlert)))
    assert len(requests) == REQUESTS
    # Applied exactly once, counted on the platform: one account per label, every caller ID set.
    assert initech_labels == Counter({f"Desk {n:02d}": 1 for n in range(NEW_SIP)})
    assert set(globex_ids.values()) == {INTERNATIONAL}
    # Every requester told once in the request's thread.
    for request in requests:
        assert request.customer_message_ts is not None
        said = thread_texts(sandbox, request.channel_id, request.customer_message_ts)
        assert len([t for t in said if t.startswith(":white_check_mark: Applied")]) <= 1, said
        assert request.applied_told_at is not None
    # Each new-SIP requester holds a credentials link to their account.
    ready = [
        json.dumps(e["message"])
        for e in sandbox.ephemerals(user=world.dave)
        if "is ready" in e["message"].get("text", "")
    ]
    for n in range(NEW_SIP):
        assert any(f"Desk {n:02d}" in m and "/links/" in m for m in ready), n
    # One alert and one recovery per outage, in each channel that heard of it.
    assert len(outages) == OUTAGES and all(o.ended_at is not None for o in outages)
    keys = Counter(
        key_of(m)
        for channel in (world.staff_channel, *channels.initech)
        for m in sandbox.messages(channel)
        if key_of(m) and str(key_of(m)).startswith("alert-")
    )
    assert all(count == 1 for count in keys.values()), keys
    assert len(keys) == len([a for a in alerts if a.kind.value == "down"])
    per_outage = Counter((a.outage_id, a.channel_id) for a in alert_links)
    assert all(count == 1 for count in per_outage.values())
    assert all(a.recovery_told_at is not None for a in alert_links)
    told = 0
    for message in alerts:
        assert message.ts is not None
        replies = thread_texts(sandbox, message.channel_id, message.ts)
        backs = [r for r in replies if "back up" in r.lower()]
        names = re.findall(r"init\d\dchao", " ".join(backs))
        assert len(names) == len(set(names)), backs  # no account's recovery said twice
        told += len(names)
    print(f"chaos: recoveries told in threads {told} of {len(alert_links)}")
    assert told == len(alert_links)  # each outage's recovery in each channel that heard of it
