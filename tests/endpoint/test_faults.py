"""A bad day: Redis stops answering (not closed, silent), PostgreSQL is stopped (SIGSTOP).

The servers frozen here are this test's own, on free ports: never the shared ones.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from endpoint_bot import Bot, running_bot, tracebacks, until
from own_servers import OwnPostgres, OwnRedis

from slack_sandbox import payloads
from store.db import Database
from store.keys import delivery_key
from store.migrate import upgrade

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres()
    database = Database(server.url)
    upgrade(database)
    database.dispose()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    try:
        yield server
    finally:
        server.stop()


def _home_text(bot: Bot, user: str) -> str:
    return str(bot.sandbox.home_of(user) or "")


def _help_acks_within_a_second(bot: Bot, times: int = 5) -> None:
    for _ in range(times):
        seconds, answer = bot.timed_help()
        assert answer.status_code == 200 and "/sip help" in answer.json()["text"]
        assert seconds < 1.0, f"/sip help took {seconds:.2f} s"


def _health_names(bot: Bot, down: str, up: str) -> None:
    seconds, answer = bot.timed_health()
    assert seconds < 2.0, f"/healthz took {seconds:.2f} s"
    assert answer.status_code == 503
    report = answer.json()
    assert report["status"] == "degraded"
    assert report[down].startswith("down"), report
    assert report[up] == "ok", report


def test_a_silent_redis_holds_no_ack_is_named_and_recovers(
    pg_database: Database, own_redis: OwnRedis, redis_prefix: str, tmp_path: Path, log: Any
):
    with running_bot(
        tmp_path, database_url=pg_database.url, redis_url=own_redis.url, redis_prefix=redis_prefix
    ) as bot:
        w = bot.world
        assert bot.timed_health()[1].status_code == 200
        own_redis.freeze()
        try:
            _help_acks_within_a_second(bot)
            _health_names(bot, down="redis", up="database")
            # What needs only the database still works: the staff's Home tab.
            assert bot.slack.app_home_opened(w.alice).status_code == 200
            assert bot.sandbox.eventually(lambda: "Open requests" in _home_text(bot, w.alice))
            _health_names(bot, down="redis", up="database")  # asked again while still frozen
        finally:
            own_redis.thaw()
        assert until(lambda: bot.timed_health()[1].status_code == 200)

        # De-duplication comes back by itself once its cool-down is over: a delivery leaves its
        # marker in Redis again, without a restart.
        client = redis.Redis.from_url(own_redis.url)

        def marked() -> bool:
            event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
            bot.slack.event(payloads.app_home_opened(bot.sandbox, w.bob), event_id=event_id)
            return bool(client.exists(delivery_key(redis_prefix, f"event:{event_id}")))

        assert until(marked, seconds=20)
        client.close()
        _help_acks_within_a_second(bot, times=2)
    assert tracebacks(log.records) == []


def test_a_stopped_postgresql_holds_no_ack_is_named_and_recovers(
    own_postgres: OwnPostgres, redis_url: str, redis_prefix: str, tmp_path: Path, log: Any
):
    with running_bot(
        tmp_path, database_url=own_postgres.url, redis_url=redis_url, redis_prefix=redis_prefix
    ) as bot:
        w = bot.world
        bot.slack.app_home_opened(w.alice)
        assert bot.sandbox.eventually(lambda: "Open requests: 0" in _home_text(bot, w.alice))
        own_postgres.freeze()
        try:
            _help_acks_within_a_second(bot)
            _health_names(bot, down="database", up="redis")

            # A listener that needs the database says so, politely, within Slack's patience.
            published = len(bot.sandbox.calls_to("views.publish"))
            asked = time.monotonic()
            assert bot.slack.app_home_opened(w.alice).status_code == 200
            assert bot.sandbox.eventually(lambda: "try again shortly" in _home_text(bot, w.alice))
            # The database deadlines (store/db.py) end the wait in about 2 s, not never.
            assert time.monotonic() - asked < 5.0

            # A crowd waiting on the database cannot starve the others of threads.
            crowd = [
                threading.Thread(target=bot.slack.app_home_opened, args=(who,))
                for who in [w.alice, w.bob] * 10
            ]
            for opener in crowd:
                opener.start()
            _help_acks_within_a_second(bot, times=8)
            for opener in crowd:
                opener.join(timeout=30)
            _health_names(bot, down="database", up="redis")
        finally:
            own_postgres.thaw()

        assert until(lambda: bot.timed_health()[1].status_code == 200)
        # Every Home open of the crowd was answered (one way or the other) before the last one.
        assert until(lambda: len(bot.sandbox.calls_to("views.publish")) >= published + 21, 30)
        bot.slack.app_home_opened(w.alice)
        assert bot.sandbox.eventually(lambda: "Open requests: 0" in _home_text(bot, w.alice))
        _help_acks_within_a_second(bot, times=2)
    assert tracebacks(log.records) == []


def test_a_listener_whose_dependency_is_away_answers_try_again_shortly(bot: Bot, log: Any):
    def enqueue(ack: Any, command: Any) -> None:
        ack()
        raise redis.TimeoutError("Timeout reading from socket")

    bot.runtime.app.command("/queue")(enqueue)
    bot.slack.slash_command("/queue", "", user=bot.world.carol, channel=bot.world.globex_channel)
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert [r.body["text"] for r in said] == [
        ":warning: sipdesk can't reach a service it needs right now. Please try again shortly."
    ]
    assert tracebacks(log.records) == []
