"""`sipdesk demo`: the real bot, on the embedded defaults, in a conversation with the local Slack
sandbox; prints what each person would see, like a screenshot of the channels."""

from __future__ import annotations

import logging
import shutil
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import SecretStr

import ocr_checks
from bot.demo_render import indent, render_blocks
from bot.demo_scenes import callback, onboarding, pages, requests
from bot.demo_scenes import history as history_scene
from bot.demo_scenes import status as status_scene
from bot.demo_scenes import watch as watch_scene
from bot.demo_scenes.password import play as play_new_password
from bot.pages.serve import door_limits, pages_app
from bot.runtime import Runtime, start_runtime
from bot.settings import CallBackCallerKind, Settings
from bot.web import HttpServer, make_wsgi
from bot.worker import JobWorker
from slack_sandbox import DemoWorld, Signature, SlackDriver, SlackSandbox
from store import account_import
from telephony.account_import import import_accounts

EXAMPLE_ACCOUNTS = Path(__file__).resolve().parent.parent / "examples" / "accounts.yml"
Print = Callable[[str], None]


@dataclass
class Stage:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    server: HttpServer
    slack: SlackDriver
    names: dict[str, str]
    home: Path
    worker: JobWorker  # as `sipdesk run` on the embedded defaults, the bot runs its own jobs

    def close(self) -> None:
        self.worker.stop()
        self.slack.close()
        self.server.stop()
        self.runtime.close()
        self.sandbox.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def set_the_stage(settings: Settings) -> Stage:
    """The sandbox, its small world, and the bot in a throwaway home talking to it.

    The demo keeps to itself: its database is a SQLite file in a temporary folder (never
    DATABASE_URL's), and it talks to its own sandbox whatever Slack settings are set.
    """
    ocr_checks.start_reader()  # before the stage's threads, as `sipdesk run` does
    home = Path(tempfile.mkdtemp(prefix="sipdesk-demo-"))
    sandbox = SlackSandbox().start()
    try:
        world = sandbox.seed_demo_world()
        port = _free_port()  # known before start-up: the one-time links start with this address
        runtime = start_runtime(_demo_settings(settings, sandbox, world, home, port))
    except BaseException:
        sandbox.stop()
        shutil.rmtree(home, ignore_errors=True)
        raise
    _load_customers(runtime, world)
    # Bolt's hints about events nobody handles yet are noise beside the transcript.
    logging.getLogger("slack_bolt.App").setLevel(logging.ERROR)
    wsgi = make_wsgi(
        runtime.app,
        runtime.health,
        signing_secret=runtime.signing_secret,
        pages=pages_app(runtime),
    )
    server = HttpServer(wsgi, "127.0.0.1", port, limits=door_limits(8)).start()
    slack = SlackDriver(f"{server.url}/slack/events", sandbox.signing_secret, sandbox)
    names = {
        world.alice: "alice (support)",
        world.bob: "bob (support)",
        world.carol: "carol (Globex Dental, external)",
        world.dave: "dave (Initech, external)",
        world.globex_channel: "#globex-voip",
        world.initech_channel: "#initech-voip",
        world.staff_channel: "#support-staff",
    }
    return Stage(sandbox, world, runtime, server, slack, names, home, JobWorker(runtime).start())


def _demo_settings(
    settings: Settings, sandbox: SlackSandbox, world: DemoWorld, home: Path, port: int
) -> Settings:
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(sandbox.bot_token),
            "slack_signing_secret": SecretStr(sandbox.signing_secret),
            "slack_app_token": None,
            "slack_api_url": sandbox.api_url,
            # the sandbox serves the files people share: the bot may send its token there
            "slack_file_hosts": f"127.0.0.1:{sandbox.port}",
            "seal_key": None,
            "home": home,
            "database_url": None,
            "redis_prefix": f"{settings.redis_prefix}demo:",
            "staff_channel": world.staff_channel,
            "staff_usergroup": world.staff_group,
            "host": "127.0.0.1",
            "port": port,
            "public_url": None,
            # No telephone network here: the call-back rings the stand-in phone, at any hour.
            "callback_caller": CallBackCallerKind.STAND_IN,
            "callback_from": settings.callback_from or "+35315550100",
            "callback_quiet_hours": "off",
            # What the platform's registrar says now (`/sip status ACCOUNT`): a feed file the
            # status scene writes, as an operator's registrar would.
            "registrations_feed": str(home / "registrations.json"),
            "metrics_addr": "off",  # the demo serves no metrics (its port may be taken)
        }
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def play(stage: Stage, out: Print) -> None:
    """The scripted conversation; each step prints who did what and what the bot answered."""
    w, slack = stage.world, stage.slack
    out(f"sipdesk is listening on {stage.server.url}/slack/events")
    out(f"the local Slack sandbox answers at {stage.sandbox.api_url}\n")

    _command(stage, out, w.carol, w.globex_channel, "/sip", "help")
    _command(stage, out, w.dave, w.initech_channel, "/callerid", "please")

    out(f"{stage.names[w.alice]} opens the sipdesk Home tab")
    slack.app_home_opened(w.alice)
    home = stage.sandbox.eventually(lambda: stage.sandbox.home_of(w.alice))
    out(indent(render_blocks(home["blocks"] if home else [])))

    status_scene.play(stage, out)

    out("a forger posts /sip help with a bad signature")
    forged = slack.with_signature(Signature.BAD).slash_command(
        "/sip", "help", user=w.carol, channel=w.globex_channel
    )
    out(indent(f"HTTP {forged.status_code}: refused, nothing happens"))

    onboarding.play(stage, out)
    watch_scene.play(stage, out)
    requests.play(stage, out)
    history_scene.play(stage, out)
    pages.play(stage, out)
    callback.play(stage, out)

    health = stage.server.url + "/healthz"
    out(f"GET {health}")
    out(indent(httpx.get(health).text))
    play_new_password(stage, out)


def _command(stage: Stage, out: Print, user: str, channel: str, command: str, text: str) -> None:
    out(f"[{stage.names[channel]}] {stage.names[user]}: {command} {text}")
    answer = stage.slack.slash_command(command, text, user=user, channel=channel)
    body: dict[str, Any] = answer.json() if answer.content else {}
    who = "only visible to you" if body.get("response_type") == "ephemeral" else "in channel"
    out(f"[{stage.names[channel]}] sipdesk ({who}):")
    out(indent(render_blocks(body.get("blocks", [])) or body.get("text", "")))


def _load_customers(runtime: Runtime, world: DemoWorld) -> None:
    data = yaml.safe_load(EXAMPLE_ACCOUNTS.read_text(encoding="utf-8"))
    channels = {"GLOBEX-001": world.globex_channel, "INITECH-042": world.initech_channel}
    teams = {"GLOBEX-001": world.globex_team, "INITECH-042": world.initech_team}
    for customer in data["customers"]:
        customer["channels"] = [channels[customer["ref"]]]
        customer["slack_team"] = teams[customer["ref"]]
    import_accounts(runtime.db, runtime.services.telephony, account_import.parse(data))
