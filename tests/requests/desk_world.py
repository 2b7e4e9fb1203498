"""The small world of the request tests: customers from examples/accounts.yml (with its
`plans:`) in the sandbox's channels, and a desk opened on a database."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from pathlib import Path

import yaml
from desk import Desk
from sqlalchemy import select

from bot.pages.serve import door_limits, pages_app
from bot.runtime import Runtime, start_runtime
from bot.settings import load_settings
from bot.web import HttpServer, make_wsgi
from bot.worker import JobWorker
from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox
from store import account_import
from store.db import Database
from store.models import ChannelLink, ChannelRole
from telephony.account_import import import_accounts

REPO = Path(__file__).resolve().parents[2]
# The bills are drawn by the ocr_checks tests' own maker; appended, so `ocr_checks` stays ours.
sys.path.append(str(REPO / "tests" / "ocr_checks"))

EXAMPLE_ACCOUNTS = REPO / "examples" / "accounts.yml"


def load_customers(runtime: Runtime, world: DemoWorld) -> None:
    data = yaml.safe_load(EXAMPLE_ACCOUNTS.read_text(encoding="utf-8"))
    channels = {"GLOBEX-001": world.globex_channel, "INITECH-042": world.initech_channel}
    teams = {"GLOBEX-001": world.globex_team, "INITECH-042": world.initech_team}
    for customer in data["customers"]:
        customer["channels"] = [channels[customer["ref"]]]
        customer["slack_team"] = teams[customer["ref"]]
    document = account_import.parse(data)
    import_accounts(runtime.db, runtime.services.telephony, document)
    with runtime.db.session() as session:
        staff = select(ChannelLink).where(ChannelLink.channel_id == world.staff_channel)
        if session.scalar(staff) is None:
            session.add(ChannelLink(channel_id=world.staff_channel, role=ChannelRole.STAFF))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def open_desk(
    database: Database, redis_url: str, redis_prefix: str, home: Path, **env: object
) -> Desk:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    port = _free_port()  # known before start-up: the one-time links start with this address
    given: dict[str, object] = {
        "HOST": "127.0.0.1",
        "PORT": port,
        "SIPDESK_HOME": home,
        "DATABASE_URL": database.url,
        "REDIS_URL": redis_url,
        "SIPDESK_REDIS_PREFIX": redis_prefix,
        "SIPDESK_START_REDIS": False,
        "SIPDESK_STAFF_CHANNEL": world.staff_channel,
        "SIPDESK_STAFF_USERGROUP": world.staff_group,
        **sandbox.bot_env(),
    }
    # A setting given as None is left out: the desk runs without it.
    given.update(env)
    settings = load_settings(
        _env_file=None, **{name: value for name, value in given.items() if value is not None}
    )
    runtime = start_runtime(settings)
    load_customers(runtime, world)
    wsgi = make_wsgi(
        runtime.app,
        runtime.health,
        signing_secret=runtime.signing_secret,
        pages=pages_app(runtime),
    )
    server = HttpServer(wsgi, "127.0.0.1", port, limits=door_limits(8)).start()
    slack = SlackDriver(f"{server.url}/slack/events", sandbox.signing_secret, sandbox)
    return Desk(sandbox, world, runtime, server, slack, JobWorker(runtime).start())


def recent(days: int = 12) -> str:
    """A bill date `days` ago, printed the Irish way."""
    return (dt.date.today() - dt.timedelta(days=days)).strftime("%d/%m/%Y")
