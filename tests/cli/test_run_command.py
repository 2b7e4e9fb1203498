"""`sipdesk run` as an operator runs it: it starts, it stops on SIGTERM, it says what is wrong."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from slack_sandbox import SlackSandbox

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path, redis_url: str, redis_prefix: str) -> Iterator[dict[str, str]]:
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIPDESK_"))}
        clean.pop("DATABASE_URL", None)
        yield {
            **clean,
            **sandbox.bot_env(),
            "SIPDESK_STAFF_CHANNEL": world.staff_channel,
            "SIPDESK_HOME": str(tmp_path / "home"),
            "REDIS_URL": redis_url,
            "SIPDESK_REDIS_PREFIX": redis_prefix,
            "PORT": str(_free_port()),
        }


def test_sigterm_stops_sipdesk_run_cleanly_like_ctrl_c(env: dict[str, str]):
    bot = subprocess.Popen(
        [SIPDESK, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None
        first = bot.stdout.readline()  # printed once it listens
        assert "sipdesk: listening on" in first
        bot.send_signal(signal.SIGTERM)
        out, err = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    assert bot.returncode == 0, err
    assert "sipdesk: stopped" in out
    assert "Traceback" not in err


def test_a_port_already_in_use_is_one_sentence(env: dict[str, str]):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env["PORT"] = str(taken.getsockname()[1])
        result = subprocess.run(
            [SIPDESK, "run"], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert f"Port {env['PORT']} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
