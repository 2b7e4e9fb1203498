"""Where the one-time pages are served: beside /slack/events in HTTP mode, on their own port in
Socket Mode; and the settings that place them (SIPDESK_PUBLIC_URL, SIPDESK_PAGES_PORT,
SIPDESK_LINK_TTL)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sipdesk_env import clean_env
from test_socket_mode import socket_mode_env

from bot.settings import SettingsError, load_settings
from slack_sandbox import SlackSandbox
from store.db import Database

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_links_live_a_day_by_default_and_take_a_unit():
    assert load_settings(_env_file=None).link_ttl == timedelta(hours=24)
    assert load_settings(_env_file=None, SIPDESK_LINK_TTL="90m").link_ttl == timedelta(minutes=90)
    assert load_settings(_env_file=None, SIPDESK_LINK_TTL="7200").link_ttl == timedelta(hours=2)
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, SIPDESK_LINK_TTL="10s", SIPDESK_PUBLIC_URL="ftp://x")
    assert "SIPDESK_LINK_TTL: must be between 1m and 30d" in refused.value.message
    assert "SIPDESK_PUBLIC_URL: must be an http(s) URL" in refused.value.message


def test_the_public_url_defaults_to_where_the_pages_are_served():
    http = load_settings(_env_file=None, HOST="127.0.0.1", PORT=3000)
    assert http.effective_public_url == "http://127.0.0.1:3000"
    socket_mode = load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1",
        SIPDESK_STAFF_CHANNEL="C0STAFF01",
        SIPDESK_PAGES_PORT=3005,
    )
    assert socket_mode.effective_public_url == "http://127.0.0.1:3005"
    behind_proxy = load_settings(_env_file=None, SIPDESK_PUBLIC_URL="https://desk.example.com/")
    assert behind_proxy.effective_public_url == "https://desk.example.com"


def test_sipdesk_run_in_socket_mode_serves_the_pages_on_their_own_port(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path, stop_process: Any
):
    port = _free_port()
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        env = clean_env()
        env.update(socket_mode_env(sandbox, world, pg_database, redis_url, redis_prefix, tmp_path))
        env["SIPDESK_PAGES_PORT"] = str(port)
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
            pages = f"http://127.0.0.1:{port}"
            assert httpx.get(f"{pages}/links/static/pages.js").status_code == 200
            forged = httpx.get(f"{pages}/links/upload/{'A' * 43}")
            assert forged.status_code == 404 and "This link is not valid" in forged.text
            assert httpx.post(f"{pages}/slack/events").status_code == 404  # pages only here
            out, err = stop_process(bot, signal.SIGINT)
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.communicate()
        assert f"one-time pages on http://127.0.0.1:{port}/links/" in out, err
        assert "Traceback" not in err, err
