"""A running sipdesk: the real Bolt app over real HTTP, talking to the local Slack sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from running import RunningBot

from bot.runtime import start_runtime
from bot.settings import load_settings
from bot.web import HttpServer, make_wsgi
from slack_sandbox import SlackDriver, SlackSandbox
from store.db import Database


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """More settings for `running_bot` (a test module overrides this fixture to add some)."""
    return {}


@pytest.fixture
def running_bot(
    database: Database,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
    bot_settings: dict[str, object],
) -> Iterator[RunningBot]:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    settings = load_settings(
        _env_file=None,
        SIPDESK_HOME=tmp_path,
        DATABASE_URL=database.url,
        REDIS_URL=redis_url,
        SIPDESK_REDIS_PREFIX=redis_prefix,
        SIPDESK_START_REDIS=False,
        SIPDESK_STAFF_CHANNEL=world.staff_channel,
        SIPDESK_STAFF_USERGROUP=world.staff_group,
        **sandbox.bot_env(),
        **bot_settings,
    )
    runtime = start_runtime(settings)
    server = HttpServer(
        make_wsgi(runtime.app, runtime.health, signing_secret=runtime.signing_secret),
        "127.0.0.1",
        0,
    ).start()
    slack = SlackDriver(f"{server.url}/slack/events", sandbox.signing_secret, sandbox)
    try:
        yield RunningBot(sandbox, world, runtime, server, slack)
    finally:
        slack.close()
        server.stop()
        runtime.close()
        sandbox.stop()
