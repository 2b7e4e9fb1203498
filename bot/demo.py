"""`sipdesk demo`: the real bot, on the embedded defaults, in a conversation with the local Slack
sandbox; prints what each person would see, like a screenshot of the channels."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import select

from bot.demo_scenes import pages, requests
from bot.pages.serve import pages_app
from bot.runtime import Runtime, start_runtime
from bot.settings import Settings
from bot.web import HttpServer, make_wsgi
from slack_sandbox import DemoWorld, Signature, SlackDriver, SlackSandbox
from store import account_import
from store.models import ChannelLink, ChannelRole

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

    def close(self) -> None:
        self.slack.close()
        self.server.stop()
        self.runtime.close()
        self.sandbox.stop()


def set_the_stage(settings: Settings) -> Stage:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    port = _free_port()  # known before start-up: the one-time links start with this address
    overrides = settings.model_copy(
        update={
            "staff_channel": world.staff_channel,
            "staff_usergroup": world.staff_group,
            "host": "127.0.0.1",
            "port": port,
        }
    )
    runtime = start_runtime(overrides, sandbox=sandbox)
    _load_customers(runtime, world)
    wsgi = make_wsgi(runtime.app, runtime.health, pages_app(runtime))
    server = HttpServer(wsgi, "127.0.0.1", port).start()
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
    return Stage(sandbox, world, runtime, server, slack, names)


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
    out(_indent(_render_blocks(home["blocks"] if home else [])))

    out("a forger posts /sip help with a bad signature")
    forged = slack.with_signature(Signature.BAD).slash_command(
        "/sip", "help", user=w.carol, channel=w.globex_channel
    )
    out(_indent(f"HTTP {forged.status_code}: refused, nothing happens"))

    requests.play(stage, out)
    pages.play(stage, out)

    health = stage.server.url + "/healthz"
    out(f"GET {health}")
    out(_indent(httpx.get(health).text))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(stage: Stage, out: Print, user: str, channel: str, command: str, text: str) -> None:
    out(f"[{stage.names[channel]}] {stage.names[user]}: {command} {text}")
    answer = stage.slack.slash_command(command, text, user=user, channel=channel)
    body: dict[str, Any] = answer.json() if answer.content else {}
    who = "only visible to you" if body.get("response_type") == "ephemeral" else "in channel"
    out(f"[{stage.names[channel]}] sipdesk ({who}):")
    out(_indent(_render_blocks(body.get("blocks", [])) or body.get("text", "")))


def _load_customers(runtime: Runtime, world: DemoWorld) -> None:
    data = yaml.safe_load(EXAMPLE_ACCOUNTS.read_text(encoding="utf-8"))
    channels = {"GLOBEX-001": world.globex_channel, "INITECH-042": world.initech_channel}
    for customer in data["customers"]:
        customer["channels"] = [channels[customer["ref"]]]
    document = account_import.parse(data)
    with runtime.db.session() as session:
        account_import.apply(session, document)
        staff = select(ChannelLink).where(ChannelLink.channel_id == world.staff_channel)
        if session.scalar(staff) is None:
            session.add(ChannelLink(channel_id=world.staff_channel, role=ChannelRole.STAFF))


def _render_blocks(blocks: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            lines.append(str(text.get("text", "")))
        for element in block.get("elements", []):
            label = element.get("text")
            if element.get("type") == "button" and isinstance(label, dict):
                lines.append(f"[ {label.get('text')} ]")
            elif element.get("type") == "mrkdwn":
                lines.append(str(label))
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()) + "\n"
