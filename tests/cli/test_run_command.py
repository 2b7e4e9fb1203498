"""`sipdesk run` as an operator runs it: it starts, it stops on SIGTERM, it says what is wrong."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sipdesk_env import clean_env

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
        clean = clean_env()
        clean.pop("DATABASE_URL", None)
        yield {
            **clean,
            **sandbox.bot_env(),
            "SIPDESK_STAFF_CHANNEL": world.staff_channel,
            "SIPDESK_HOME": str(tmp_path / "home"),
            "SIPDESK_METRICS_ADDR": "127.0.0.1:0",  # each process its own port
            "REDIS_URL": redis_url,
            "SIPDESK_REDIS_PREFIX": redis_prefix,
            "PORT": str(_free_port()),
        }


def test_sigterm_stops_sipdesk_run_cleanly_like_ctrl_c(env: dict[str, str], stop_process: Any):
    bot = subprocess.Popen(
        [SIPDESK, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None
        first = bot.stdout.readline()  # printed once it listens
        assert "sipdesk: listening on" in first
        out, err = stop_process(bot)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    assert bot.returncode == 0, err
    assert "sipdesk: stopped" in out
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "ready"), [("run", "sipdesk: listening on"), ("worker", "sipdesk: worker running")]
)
def test_the_bill_reader_is_up_once_the_process_has_started(
    env: dict[str, str], command: str, ready: str, stop_process: Any
):
    bot = subprocess.Popen(
        [SIPDESK, command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None
        assert ready in bot.stdout.readline()
        assert any("ocr_checks.reader_host" in line for line in _children(bot.pid))
        stop_process(bot)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()


def _children(pid: int) -> list[str]:
    """The command lines of the processes `pid` started."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue  # not a process, or gone meanwhile
    return found


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


RUN_ON_A_FREE_EMBEDDED_PORT = """
import sys
from bot import settings
settings.EMBEDDED_REDIS_URL = sys.argv[1]  # the machine's 6379 answers already
from bot.cli import main
main(["run"])
"""


def test_sigterm_stops_the_private_redis_sipdesk_run_started(
    env: dict[str, str], stop_process: Any
):
    url = f"redis://127.0.0.1:{_free_port()}/0"
    env.pop("REDIS_URL")  # the embedded default: sipdesk starts its own Redis
    bot = subprocess.Popen(
        [sys.executable, "-c", RUN_ON_A_FREE_EMBEDDED_PORT, url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert bot.stdout is not None
        assert "sipdesk: listening on" in bot.stdout.readline()
        assert _answers(url)
        _, err = stop_process(bot)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    assert bot.returncode == 0, err
    assert not _answers(url)  # no redis-server left behind


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
