"""The embedded default: with no Redis answering at a loopback URL, sipdesk starts its own."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot import local_redis


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_private_redis_is_started_when_none_answers(tmp_path: Path):
    url = f"redis://127.0.0.1:{_free_port()}/0"
    client = local_redis.connect(url, start_if_down=True, workdir=tmp_path)
    try:
        assert client.ping()
        assert client.set("sipdesk-test", "1")
    finally:
        client.close()
        for process in local_redis.started:
            process.terminate()
            process.wait(timeout=10)
        local_redis.started.clear()


def test_without_permission_to_start_one_the_message_says_what_to_do(tmp_path: Path):
    url = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(local_redis.RedisUnavailable, match="does not answer; start it or fix"):
        local_redis.connect(url, start_if_down=False, workdir=tmp_path)


def test_a_remote_redis_is_never_started_for(tmp_path: Path):
    with pytest.raises(local_redis.RedisUnavailable):
        local_redis.connect("redis://127.0.0.1:1/0", start_if_down=False, workdir=tmp_path)
