"""`sipdesk run` on the embedded defaults (no DATABASE_URL) is the whole product: it runs the
jobs itself, so a self-service caller ID is applied with no `sipdesk worker` anywhere."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import yaml
from desk_world import EXAMPLE_ACCOUNTS
from sipdesk_env import clean_env

from slack_sandbox import SlackDriver, SlackSandbox

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sipdesk_run_on_the_embedded_defaults_applies_a_request_by_itself(
    redis_url: str, redis_prefix: str, tmp_path: Path, stop_process: Any
):
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        data = yaml.safe_load(EXAMPLE_ACCOUNTS.read_text())
        data["customers"][0]["channels"] = [world.globex_channel]
        data["customers"][1]["channels"] = [world.initech_channel]
        data["customers"][0]["slack_team"] = world.globex_team
        data["customers"][1]["slack_team"] = world.initech_team
        accounts = tmp_path / "accounts.yml"
        accounts.write_text(yaml.safe_dump(data))
        port = _free_port()
        env = clean_env()
        env.pop("DATABASE_URL", None)
        env.update(
            SIPDESK_HOME=str(tmp_path / "home"),
            SIPDESK_METRICS_ADDR="127.0.0.1:0",  # each process its own port
            SLACK_BOT_TOKEN=sandbox.bot_token,
            SLACK_SIGNING_SECRET=sandbox.signing_secret,
            SLACK_API_URL=sandbox.api_url,
            REDIS_URL=redis_url,
            SIPDESK_REDIS_PREFIX=redis_prefix,
            SIPDESK_START_REDIS="false",
            SIPDESK_STAFF_CHANNEL=world.staff_channel,
            SIPDESK_STAFF_USERGROUP=world.staff_group,
            PORT=str(port),
        )
        for step in (["migrate"], ["import-accounts", str(accounts)]):
            done = subprocess.run(
                [SIPDESK, *step], env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
        bot = subprocess.Popen(
            [SIPDESK, "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            assert sandbox.eventually(lambda: _healthy(url), 60)
            with SlackDriver(url, sandbox.signing_secret, sandbox) as slack:
                slack.slash_command(
                    "/callerid",
                    "k3x9q2m7ab +35312345679",
                    user=world.carol,
                    channel=world.globex_channel,
                )
                applied = sandbox.eventually(
                    lambda: [
                        m for m in sandbox.messages(world.globex_channel) if "Applied" in m["text"]
                    ],
                    30,
                )
            assert applied, sandbox.messages(world.globex_channel)
            # One process, one /metrics: the web part's acks and the in-process worker's jobs.
            assert bot.stdout is not None
            lines = [bot.stdout.readline(), bot.stdout.readline()]
            metrics_url = next(x for x in lines if "metrics at " in x).split("metrics at ")[1]
            scraped = httpx.get(metrics_url.strip(), timeout=5).text
            assert 'sipdesk_requests_total{kind="pstn_caller_id",outcome="applied"} 1.0' in scraped
            assert "sipdesk_ack_seconds_count 1.0" in scraped
            _, err = stop_process(bot, signal.SIGINT)
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.communicate()
        assert "Traceback" not in err, err


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
