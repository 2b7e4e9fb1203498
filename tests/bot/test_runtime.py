"""Start-up fails closed: no pretend Slack, no private Redis standing in for a configured one."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import redis

from bot import local_redis
from bot import settings as settings_module
from bot.runtime import StartupError, start_runtime
from bot.settings import load_settings

SLACK = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "shh",
    "SLACK_API_URL": "http://127.0.0.1:1/api/",  # nothing is called at start-up
    "SIPDESK_STAFF_CHANNEL": "C0STAFF",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def test_without_slack_credentials_the_runtime_refuses_to_start(tmp_path: Path):
    settings = load_settings(_env_file=None, SIPDESK_HOME=tmp_path)
    with pytest.raises(StartupError, match="No Slack credentials are set: set SLACK_BOT_TOKEN"):
        start_runtime(settings)


def test_a_configured_redis_that_is_down_is_an_error_not_a_private_redis(tmp_path: Path):
    url = f"redis://127.0.0.1:{_free_port()}/0"
    settings = load_settings(_env_file=None, SIPDESK_HOME=tmp_path, REDIS_URL=url, **SLACK)
    assert settings.start_redis  # allowed in general, yet not for a configured URL
    with pytest.raises(StartupError, match="does not answer; start it or fix REDIS_URL"):
        start_runtime(settings)
    assert local_redis.started == []
    assert not _answers(url)


def test_on_the_embedded_default_a_private_redis_is_started_and_stopped_on_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    url = f"redis://127.0.0.1:{_free_port()}/0"
    monkeypatch.setattr(settings_module, "EMBEDDED_REDIS_URL", url)  # 6379 already answers here
    settings = load_settings(_env_file=None, SIPDESK_HOME=tmp_path, **SLACK)
    assert settings.may_start_redis
    runtime = start_runtime(settings)
    try:
        assert _answers(url)
        (process,) = local_redis.started
    finally:
        runtime.close()
    assert process.poll() is not None and not _answers(url)
    assert local_redis.started == []
