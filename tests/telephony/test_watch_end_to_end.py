"""The watch end to end: a real Kamailio, sipsak phones, the real bot with its scheduler and
the local Slack. A phone that stops re-registering reaches its customer's channel as Down within
SIPDESK_DOWN_AFTER plus one poll (sooner when Kamailio pushes the expiry), turns resolved when it
registers again, and the account that kept registering never alerts."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telephony_world import (
    SIP_DOMAIN,
    KamailioServer,
    Phone,
    free_port,
    make_customer,
    run_kamailio,
)

from bot.push_endpoint import registrar_events
from bot.runtime import Runtime, start_runtime
from bot.scheduler_process import SchedulerProcess
from bot.settings import load_settings
from bot.web import HttpServer, make_wsgi
from slack_sandbox import SlackSandbox
from store.db import Database
from store.models import ChannelLink, ChannelRole, Customer
from telephony.types import NewSipAccount

pytestmark = [pytest.mark.kamailio, pytest.mark.postgres, pytest.mark.slow]

DOWN_AFTER = 3
TOKEN = "push-secret-for-tests-32-characters-long"


@dataclass(frozen=True)
class PushingKamailio:
    server: KamailioServer
    bot_port: int  # where Kamailio pushes its contact events


@pytest.fixture(scope="module")
def pushing_kamailio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PushingKamailio]:
    run_dir = tmp_path_factory.mktemp("kamailio-push")
    header = run_dir / "push.header"
    header.write_text(f"Authorization: Bearer {TOKEN}\n")
    port = free_port(socket.SOCK_STREAM)
    defines = (
        f'PUSH_URL="http://127.0.0.1:{port}/watch/registrar-events"',
        f'PUSH_HEADER_FILE="{header}"',
    )
    with run_kamailio(run_dir, defines) as server:
        yield PushingKamailio(server, port)


@dataclass
class Bot:
    runtime: Runtime
    sandbox: SlackSandbox
    channel: str
    scheduler: SchedulerProcess


@pytest.fixture
def bot_for(
    pushing_kamailio: PushingKamailio, pg_database: Database, redis_url: str, redis_prefix: str,
    tmp_path: Path,
) -> Iterator[StartBot]:  # fmt: skip
    started: list[tuple[Bot, HttpServer]] = []

    def start(*, interval: float, push: bool) -> Bot:
        sandbox = SlackSandbox().start()
        world = sandbox.seed_demo_world()
        server = pushing_kamailio.server
        settings = load_settings(
            _env_file=None, SIPDESK_HOME=tmp_path, DATABASE_URL=pg_database.url,
            REDIS_URL=redis_url, SIPDESK_REDIS_PREFIX=redis_prefix, SIPDESK_START_REDIS=False,
            SIPDESK_STAFF_CHANNEL=world.staff_channel, SIPDESK_STAFF_USERGROUP=world.staff_group,
            SIPDESK_TELEPHONY="kamailio", KAMAILIO_DB_URL=server.db_url,
            KAMAILIO_JSONRPC_URL=server.jsonrpc_url, SIPDESK_SIP_DOMAIN=SIP_DOMAIN,
            SIPDESK_DOWN_AFTER=DOWN_AFTER, SIPDESK_WATCH_INTERVAL=interval,
            SIPDESK_STORM_SHARE=0.75, SIPDESK_LEADER_TTL=2, SIPDESK_DIGEST_CRON="0 0 1 1 *",
            **({"SIPDESK_PUSH_TOKEN": TOKEN} if push else {}), **sandbox.bot_env(),
        )  # fmt: skip
        runtime = start_runtime(settings)
        http = HttpServer(
            make_wsgi(
                runtime.app,
                runtime.health,
                signing_secret=runtime.signing_secret,
                push=registrar_events(runtime),
            ),
            "127.0.0.1",
            pushing_kamailio.bot_port,
        ).start()
        bot = Bot(runtime, sandbox, world.globex_channel, SchedulerProcess(runtime))
        started.append((bot, http))
        return bot

    yield start
    for bot, http in started:
        bot.scheduler.stop()
        http.stop()
        bot.runtime.close()
        bot.sandbox.stop()


StartBot = Callable[..., Bot]


class KeepRegistering(threading.Thread):
    """A phone that re-registers every second, as a healthy one does before its expiry."""

    def __init__(self, phone: Phone, username: str, password: str, port: int) -> None:
        super().__init__(daemon=True)
        self.args_ = (phone, username, password, port)
        self.stopping = threading.Event()

    def run(self) -> None:
        phone, username, password, port = self.args_
        while not self.stopping.is_set():
            phone.register(username, password, contact_port=port, expires=6)
            self.stopping.wait(1.0)


def two_accounts(bot: Bot) -> tuple[NewSipAccount, NewSipAccount]:
    ref = make_customer(bot.runtime.db).customer_ref
    with bot.runtime.db.session() as session:
        customer = session.query(Customer).filter_by(external_ref=ref).one()
        session.add(
            ChannelLink(channel_id=bot.channel, role=ChannelRole.CUSTOMER, customer_id=customer.id)
        )
    platform = bot.runtime.services.telephony
    return platform.create_sip_account(ref, "Front desk"), platform.create_sip_account(
        ref, "Back office"
    )


def alerts(bot: Bot) -> list[dict[str, object]]:
    return [m for m in bot.sandbox.messages(bot.channel) if not m.get("thread_ts")]


def run_story(bot: Bot, pushing: PushingKamailio, *, within: float) -> None:
    phone = Phone(pushing.server)
    stopping, steady = two_accounts(bot)
    keeper = KeepRegistering(phone, steady.username, steady.password, 43002)
    keeper.start()
    try:
        assert phone.register(
            stopping.username, stopping.password, contact_port=43001, expires=2
        ).ok
        registered_at = time.monotonic()
        bot.scheduler.start()

        down = bot.sandbox.eventually(lambda: alerts(bot), seconds=within + 10)
        took = time.monotonic() - (registered_at + 2)  # from the contact's expiry
        assert down, "no Down alert"
        (alert,) = down
        assert stopping.username in str(alert["blocks"])
        assert steady.username not in str(alert["blocks"])
        assert took <= within, f"Down alert {took:.1f} s after the expiry (limit {within})"

        assert phone.register(
            stopping.username, stopping.password, contact_port=43001, expires=60
        ).ok
        resolved = bot.sandbox.eventually(
            lambda: (
                "Resolved"
                in str((bot.sandbox.message(bot.channel, str(alert["ts"])) or {}).get("text"))
            ),
            seconds=within,  # a new contact is pushed too, so recovery is as quick
        )
        assert resolved
        assert len(alerts(bot)) == 1  # the steady account never alerted
    finally:
        keeper.stopping.set()
        keeper.join(timeout=10)


def test_by_polling_the_down_alert_comes_within_down_after_plus_one_poll(
    bot_for: StartBot, pushing_kamailio: PushingKamailio
) -> None:
    interval = 2.0
    bot = bot_for(interval=interval, push=False)
    # + the registrar's 1 s sweep and a second of slack for a busy machine
    run_story(bot, pushing_kamailio, within=DOWN_AFTER + interval + 2.0)


def test_through_the_push_the_down_alert_comes_sooner_than_a_poll(
    bot_for: StartBot, pushing_kamailio: PushingKamailio
) -> None:
    interval = 30.0  # the poll alone would take far longer than the limit below
    bot = bot_for(interval=interval, push=True)
    run_story(bot, pushing_kamailio, within=DOWN_AFTER + 2.5)
