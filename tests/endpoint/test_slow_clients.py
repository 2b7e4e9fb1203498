"""Slow clients: 200 connections trickling a request byte by byte must not take the door."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from endpoint_bot import Bot, running_bot, tracebacks, until

from bot.web import DoorLimits
from store.db import Database

CLIENTS = 200
# Short enough for a test to see a trickler cut off; production keeps the default (10 s).
REQUEST_SECONDS = 4.0


class Tricklers:
    """`CLIENTS` sockets that each send one more byte of a never-ending request every 0.2 s."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.sockets = [
            socket.create_connection((host, int(port)), timeout=5) for _ in range(CLIENTS)
        ]
        for s in self.sockets:
            s.setblocking(False)
        self._request = (
            b"POST /slack/events HTTP/1.1\r\nHost: sipdesk\r\nX-Padding: " + b"a" * 10_000
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.bytes_sent = 0

    def _run(self) -> None:
        offset = 0
        while not self._stop.wait(0.2):
            byte = self._request[offset % len(self._request) : offset % len(self._request) + 1]
            offset += 1
            for s in self.sockets:
                with contextlib.suppress(OSError):  # the server hung up on this one
                    self.bytes_sent += s.send(byte)

    def closed_by_server(self) -> int:
        """How many of the sockets the server has closed (read end at EOF or reset)."""
        closed = 0
        readable, _, _ = select.select(self.sockets, [], [], 0)
        for s in readable:
            try:
                if s.recv(65536) == b"":
                    closed += 1
            except OSError:
                closed += 1
        return closed

    def start(self) -> Tricklers:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for s in self.sockets:
            s.close()


@pytest.fixture
def door_bot(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Bot]:
    limits = DoorLimits(request_seconds=REQUEST_SECONDS, cleanup_interval=0.5)
    with running_bot(
        tmp_path,
        database_url=pg_database.url,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        limits=limits,
    ) as bot:
        yield bot


def test_two_hundred_trickling_connections_leave_the_door_open(door_bot: Bot, log: Any):
    bot = door_bot
    tricklers = Tricklers(bot.url).start()
    try:
        assert until(lambda: tricklers.bytes_sent >= 2 * CLIENTS)  # all of them are trickling
        health, acks = [], []
        while len(acks) < 10:
            seconds, answer = bot.timed_health()
            assert answer.status_code == 200
            health.append(seconds)
            seconds, answer = bot.timed_help()
            assert answer.status_code == 200 and "/sip help" in answer.json()["text"]
            acks.append(seconds)
        assert max(health) < 1.0, sorted(health)[-3:]
        assert max(acks) < 1.0, sorted(acks)[-3:]

        # And they do not get to keep their sockets: a request must arrive whole in time.
        started = time.monotonic()
        assert until(lambda: tricklers.closed_by_server() == CLIENTS, seconds=REQUEST_SECONDS + 15)
        assert time.monotonic() - started < REQUEST_SECONDS + 15
    finally:
        tricklers.stop()
    assert bot.timed_health()[1].status_code == 200
    assert tracebacks(log.records) == []
