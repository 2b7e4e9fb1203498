"""A running sipdesk with its one-time pages, and a request that waits for a bill."""

from __future__ import annotations

import importlib.util
import re
import socket
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.web import HttpServer
from bot.worker import JobWorker
from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox
from store import requests
from store.models import (
    ChannelLink,
    ChannelRole,
    Customer,
    Evidence,
    PhoneNumber,
    Request,
    RequestKind,
    SipAccount,
)
from store.types import utcnow

GLOBEX_NUMBER = "+35312345678"
NEW_NUMBER = "+35312345699"  # not on the account: needs a bill
SIP_USERNAME = "k3x9q2m7ab"


@dataclass
class PagesBot:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    server: HttpServer
    slack: SlackDriver
    worker: JobWorker

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
        session.add(ChannelLink(channel_id=world.staff_channel, role=ChannelRole.STAFF))


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


def _billmaker() -> ModuleType:
    # The bills of the ocr_checks tests, made to order (tests/ocr_checks/billmaker.py).
    path = Path(__file__).parent.parent / "ocr_checks" / "billmaker.py"
    spec = importlib.util.spec_from_file_location("billmaker", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("billmaker", module)
    spec.loader.exec_module(module)
    return module


def globex_bill() -> bytes:
    """A recent eir bill in Globex's legal name that bills NEW_NUMBER as a line."""
    today = utcnow().date()
    issued = today - timedelta(days=10)
    start, end = issued - timedelta(days=40), issued - timedelta(days=11)
    bill: bytes = _billmaker().make_bill(
        holder="Globex Dental Care Limited",
        line_number="(01) 234 5699",
        issue_date=f"{issued:%d/%m/%Y}",
        period=(f"{start:%d/%m/%Y}", f"{end:%d/%m/%Y}"),
    )
    return bill


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page carries its anti-forgery token"
    return found[1]


def evidence_count(bot: PagesBot) -> int:
    with bot.runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Evidence)) or 0)


def thread_replies(bot: PagesBot, request_id: int) -> list[str]:
    with bot.runtime.db.session() as session:
        request = session.get(Request, request_id)
        assert request is not None
        root = request.customer_message_ts
    return [
        m["text"]
        for m in bot.sandbox.messages(bot.world.globex_channel)
        if m.get("thread_ts") == root
    ]


def button_url(message: dict[str, Any], action_id: str) -> str | None:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return str(element["url"])
    return None


def blocks_text(message: dict[str, Any]) -> str:
    parts: list[str] = [str(message.get("text", ""))]
    for block in message.get("blocks", []):
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
        for part in [*(block.get("fields") or []), *(block.get("elements") or [])]:
            if isinstance(part, dict) and part.get("type") in ("mrkdwn", "plain_text"):
                parts.append(str(part.get("text", "")))
    return "\n".join(parts)
