"""sipdesk in HTTP mode with its pages beside /slack/events, as `sipdesk run` serves them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pages_world import PagesBot, free_port, seed_globex

from bot.pages.serve import door_limits, pages_app
from bot.runtime import start_runtime
from bot.settings import load_settings
from bot.web import HttpServer, make_wsgi
from bot.worker import JobWorker
from slack_sandbox import SlackDriver, SlackSandbox
from store.db import Database


@pytest.fixture
def pages_bot(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[PagesBot]:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    port = free_port()
    settings = load_settings(
        _env_file=None,
        SIPDESK_HOME=tmp_path,
        DATABASE_URL=pg_database.url,
        REDIS_URL=redis_url,
        SIPDESK_REDIS_PREFIX=redis_prefix,
        SIPDESK_START_REDIS=False,
        SIPDESK_STAFF_CHANNEL=world.staff_channel,
        SIPDESK_STAFF_USERGROUP=world.staff_group,
        HOST="127.0.0.1",
        PORT=port,
        **sandbox.bot_env(),
    )
    runtime = start_runtime(settings)
    seed_globex(runtime, world)
    wsgi = make_wsgi(
        runtime.app,
        runtime.health,
        signing_secret=runtime.signing_secret,
        pages=pages_app(runtime),
    )
    server = HttpServer(wsgi, "127.0.0.1", port, limits=door_limits(8)).start()
    slack = SlackDriver(f"{server.url}/slack/events", sandbox.signing_secret, sandbox)
    worker = JobWorker(runtime).start()
    try:
        yield PagesBot(sandbox, world, runtime, server, slack, worker)
    finally:
        worker.stop()
        slack.close()
        server.stop()
        runtime.close()
        sandbox.stop()
