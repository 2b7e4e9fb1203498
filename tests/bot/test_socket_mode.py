"""The real app in Socket Mode (SLACK_APP_TOKEN set): it dials the sandbox, Slack sends over the
link, the app acks over it and calls the Web API as in HTTP mode."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sipdesk_env import clean_env
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.runtime import Runtime, start_runtime
from bot.settings import load_settings
from bot.socket_mode import socket_mode_handler
from slack_sandbox import DemoWorld, SlackSandbox
from store.db import Database

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


@dataclass
class SocketBot:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    handler: SocketModeHandler


def socket_mode_env(
    sandbox: SlackSandbox, world: DemoWorld, db: Database, redis_url: str, prefix: str, home: Path
) -> dict[str, str]:
    return {
        **sandbox.bot_env(socket_mode=True),
        "SIPDESK_STAFF_CHANNEL": world.staff_channel,
        "SIPDESK_STAFF_USERGROUP": world.staff_group,
        "DATABASE_URL": db.url,
        "REDIS_URL": redis_url,
        "SIPDESK_REDIS_PREFIX": prefix,
        "SIPDESK_HOME": str(home),
        "SIPDESK_METRICS_ADDR": "127.0.0.1:0",  # each process its own port
        "SIPDESK_START_REDIS": "false",
    }


@pytest.fixture
def socket_bot(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[SocketBot]:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    env = socket_mode_env(sandbox, world, pg_database, redis_url, redis_prefix, tmp_path)
    runtime = start_runtime(load_settings(_env_file=None, **env))
    handler = socket_mode_handler(runtime)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
        sandbox.socket_mode.wait_until_connected()
        yield SocketBot(sandbox, world, runtime, handler)
    finally:
        # Slack hangs up first, so the client need not wait out its 3 s socket read timeout
        handler.client.auto_reconnect_enabled = False
        handler.client.default_auto_reconnect_enabled = False
        sandbox.socket_mode.hang_up()
        handler.close()  # type: ignore[no-untyped-call]
        runtime.close()
        sandbox.stop()


def test_the_bot_links_up_with_its_app_level_token(socket_bot: SocketBot):
    opened = socket_bot.sandbox.calls_to("apps.connections.open")
    assert [call.token for call in opened] == [socket_bot.sandbox.app_token]
    assert socket_bot.sandbox.socket_mode.connection_count == 1


def test_a_customer_asks_for_help_over_the_socket_and_gets_the_commands(socket_bot: SocketBot):
    w = socket_bot.world
    ack = socket_bot.sandbox.socket_mode.slash_command(
        "/sip", "help", user=w.carol, channel=w.globex_channel
    )
    assert ack["response_type"] == "ephemeral"
    text = " ".join(b["text"]["text"] for b in ack["blocks"] if b["type"] == "section")
    assert "/sip status" in text and "/sip new" in text
    assert "/sip help" in ack["text"]


def test_staff_open_the_home_tab_over_the_socket_and_see_the_desk(socket_bot: SocketBot):
    sandbox, w = socket_bot.sandbox, socket_bot.world
    assert sandbox.socket_mode.app_home_opened(w.alice) == {}  # events are acked bare
    home = sandbox.eventually(lambda: sandbox.home_of(w.alice))
    assert home is not None
    assert "Open requests: 0" in str(home["blocks"])
    assert [call.token for call in sandbox.calls_to("views.publish")] == [sandbox.bot_token]


def test_the_bot_follows_slack_to_a_new_link_and_keeps_answering(socket_bot: SocketBot):
    sandbox, w = socket_bot.sandbox, socket_bot.world
    client = socket_bot.handler.client
    old_session = client.session_id()
    sandbox.socket_mode.refresh()
    # The app swaps sessions after Slack sees the new link: wait for the swap itself, so the
    # next envelope is read and acked on the session the app now holds.
    assert sandbox.eventually(lambda: client.is_connected() and client.session_id() != old_session)
    assert len(sandbox.calls_to("apps.connections.open")) >= 2  # it asked Slack for a new link
    ack = sandbox.socket_mode.slash_command("/sip", "help", user=w.carol, channel=w.globex_channel)
    assert "/sip help" in ack["text"]


def test_sipdesk_run_serves_slack_over_the_socket_until_interrupted(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path, stop_process: Any
):
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        env = clean_env()
        env.update(socket_mode_env(sandbox, world, pg_database, redis_url, redis_prefix, tmp_path))
        bot = subprocess.Popen(
            [SIPDESK, "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            sandbox.socket_mode.wait_until_connected(timeout=60)
            ack = sandbox.socket_mode.slash_command(
                "/sip", "help", user=world.carol, channel=world.globex_channel
            )
            assert "/sip help" in ack["text"]
            out, err = stop_process(bot, signal.SIGINT)  # Ctrl-C: the handler and runtime close
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.communicate()
        assert "sipdesk: Socket Mode" in out, err
        assert "Traceback" not in err, err
        assert sandbox.eventually(lambda: sandbox.socket_mode.connection_count == 0)
