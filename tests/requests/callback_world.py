"""The call-back in the request tests: a desk whose call-back line is the stand-in phone, and the
steps a customer takes (press the button, read the code, answer the phone)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from desk import Desk
from desk_world import open_desk

from handlers.callback.blocks import CALL_ME
from store.db import Database
from store.models import CallBack
from telephony.callback import StandInPhone

CALLS_FROM = "+35315550100"
CODE = re.compile(r"Your code is \*(\d{3}) (\d{3})\*")


def open_callback_desk(
    database: Database, redis_url: str, redis_prefix: str, home: Path, **env: object
) -> Desk:
    settings: dict[str, object] = {
        "SIPDESK_CALLBACK_CALLER": "stand-in",
        "SIPDESK_CALLBACK_FROM": CALLS_FROM,
        "SIPDESK_CALLBACK_RING": 4,
        # The quiet hours are the flow tests' (they set the clock); here any hour may ring.
        "SIPDESK_CALLBACK_QUIET_HOURS": "off",
        **env,
    }
    return open_desk(database, redis_url, redis_prefix, home, **settings)


def phone(desk: Desk) -> StandInPhone:
    setup = desk.runtime.services.callback
    assert setup is not None and isinstance(setup.caller, StandInPhone)
    return setup.caller


def ask_for(desk: Desk, number: str, account: str = "k3x9q2m7ab") -> int:
    w = desk.world
    known = {r.id for r in desk.requests()}
    channel = w.globex_channel
    desk.slack.slash_command("/callerid", f"{account} {number}", user=w.carol, channel=channel)
    new = desk.sandbox.eventually(lambda: [r for r in desk.requests() if r.id not in known])
    request_id = new[0].id
    desk.wait_thread(request_id, "phone bill")
    return request_id


def offers(desk: Desk, request_id: int) -> list[dict[str, Any]]:
    """The thread's messages that carry *Call me with a code*, oldest first."""
    from slack_sandbox.threads import thread_replies

    request = desk.request(request_id)
    assert request.customer_message_ts is not None
    replies = thread_replies(desk.sandbox, request.channel_id, request.customer_message_ts)
    return [m for m in replies if _button(m, CALL_ME) is not None]


def press(desk: Desk, request_id: int, user: str) -> Any:
    offer = desk.sandbox.eventually(lambda: offers(desk, request_id))[-1]
    value = _button(offer, CALL_ME)
    assert value is not None
    request = desk.request(request_id)
    return desk.slack.block_action(
        CALL_ME, value, user=user, channel=request.channel_id, message_ts=offer["ts"]
    )


def code_shown_to(desk: Desk, user: str, seconds: float = 10.0) -> str:
    def latest() -> str | None:
        for text in reversed(desk.ephemerals_to(user)):
            found = CODE.search(text)
            if found:
                return found[1] + found[2]
        return None

    code = desk.sandbox.eventually(latest, seconds)
    assert code, f"no code was shown to {user}: {desk.ephemerals_to(user)}"
    return code


def said_to(desk: Desk, user: str, words: str, seconds: float = 10.0) -> str:
    found = desk.sandbox.eventually(
        lambda: [t for t in desk.ephemerals_to(user) if words in t], seconds
    )
    assert found, f"{user} was never told {words!r}: {desk.ephemerals_to(user)}"
    return found[-1]


def calls(desk: Desk, request_id: int | None = None) -> list[CallBack]:
    from sqlalchemy import select

    with desk.runtime.db.session() as session:
        query = select(CallBack).order_by(CallBack.id)
        if request_id is not None:
            query = query.where(CallBack.request_id == request_id)
        return list(session.scalars(query))


def _button(message: dict[str, Any], action_id: str) -> str | None:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    return None
