"""A running sipdesk with its one-time pages, and a request that waits for a bill."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from bot.runtime import Runtime
from bot.web import HttpServer
from slack_sandbox import DemoWorld, SlackSandbox
from store import requests
from store.models import (
    ChannelLink,
    ChannelRole,
    Customer,
    PhoneNumber,
    RequestKind,
    SipAccount,
)

GLOBEX_NUMBER = "+35312345678"
NEW_NUMBER = "+35312345699"  # not on the account: needs a bill
SIP_USERNAME = "k3x9q2m7ab"


@dataclass
class PagesBot:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    server: HttpServer

    @property
    def url(self) -> str:
        return self.server.url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed_globex(runtime: Runtime, world: DemoWorld) -> None:
    with runtime.db.session() as session:
        customer = Customer(
            external_ref="GLOBEX-001",
            name="Globex Dental",
            holder_name="Globex Dental Care Limited",
            plan="business",
            country="IE",
            timezone="Europe/Dublin",
            numbers=[PhoneNumber(e164=GLOBEX_NUMBER)],
            sip_accounts=[SipAccount(username=SIP_USERNAME, label="Reception desk")],
        )
        session.add(customer)
        session.flush()
        session.add(
            ChannelLink(
                channel_id=world.globex_channel,
                team_id=world.globex_team,
                role=ChannelRole.CUSTOMER,
                customer_id=customer.id,
            )
        )


def bill_request(bot: PagesBot) -> int:
    """Carol asked for NEW_NUMBER as caller ID; the bot asked her for a bill in a thread."""
    root = bot.sandbox.say(
        bot.world.carol, bot.world.globex_channel, "Please show +353 1 234 5699 on reception"
    )
    with bot.runtime.db.session() as session:
        customer = session.query(Customer).filter_by(external_ref="GLOBEX-001").one()
        request = requests.create(
            session,
            kind=RequestKind.PSTN_CALLER_ID,
            customer_id=customer.id,
            channel_id=bot.world.globex_channel,
            requested_by=bot.world.carol,
            requester_team=bot.world.globex_team,
            sip_account_id=customer.sip_accounts[0].id,
            details={"path": "bill", "number": NEW_NUMBER, "old": GLOBEX_NUMBER},
        )
        request.customer_message_ts = root["ts"]
        return request.id
