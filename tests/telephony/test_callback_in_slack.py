"""The call-back end to end: a click in Slack (the sandbox), the job, baresip dialling through
the real Kamailio as the service account, and the claimed number's phone (a second baresip or
SIPp) answering, keying in the code, a wrong one or nothing, being busy or ringing out."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from callback_phones import (
    Baresip,
    caller_account,
    phone_account,
    prompt_wav,
    run_baresip,
    run_sipp,
    sipp_scenario,
)
from telephony_world import KamailioServer, kamailio_platform, make_customer

from store.db import Database

sys.path.append(str(Path(__file__).resolve().parents[1] / "requests"))
from callback_world import ask_for, calls, code_shown_to, open_callback_desk, press
from desk import Desk, card_text

pytestmark = pytest.mark.kamailio

CALLS_FROM = "+35315550100"


@dataclass
class Stack:
    desk: Desk
    server: KamailioServer
    folder: Path


@pytest.fixture
def stack(
    pg_database: Database,
    kamailio: KamailioServer,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
) -> Iterator[Stack]:
    # The service account sipdesk's baresip authenticates as, showing the call-back number.
    platform = kamailio_platform(pg_database, kamailio, source="jsonrpc")
    service = platform.create_sip_account(make_customer(pg_database).customer_ref, "call-back")
    platform.set_pstn_caller_id(service.username, CALLS_FROM)
    account = caller_account(kamailio, service.username, service.password)
    prompt = prompt_wav(tmp_path, seconds_to_key=20)
    with run_baresip(tmp_path / "caller", account, audio_source=prompt) as caller:
        desk = open_callback_desk(
            pg_database,
            redis_url,
            redis_prefix,
            tmp_path / "home",
            SIPDESK_TELEPHONY="kamailio",
            KAMAILIO_DB_URL=kamailio.db_url,
            KAMAILIO_JSONRPC_URL=kamailio.jsonrpc_url,
            SIPDESK_SIP_DOMAIN="127.0.0.1",
            SIPDESK_CALLBACK_CALLER="baresip",
            SIPDESK_CALLBACK_BARESIP=f"127.0.0.1:{caller.ctrl_port}",
            SIPDESK_CALLBACK_FROM=CALLS_FROM,
        )
        try:
            yield Stack(desk, kamailio, tmp_path)
        finally:
            desk.close()


def person_at_phone(phone: Baresip, digits: Callable[[], str]) -> threading.Thread:
    """Someone who answers (baresip auto-answers) and keys in `digits()` (RFC 4733)."""
    conn = socket.create_connection(("127.0.0.1", phone.ctrl_port), timeout=60)

    def listen() -> None:
        with conn:
            buffer = b""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                buffer += conn.recv(4096)
                while b":" in buffer:
                    head, _, rest = buffer.partition(b":")
                    if len(rest) < int(head) + 1:
                        break
                    event = json.loads(rest[: int(head)])
                    buffer = rest[int(head) + 1 :]
                    if event.get("type") == "CALL_ESTABLISHED":
                        data = json.dumps({"command": "sndcode", "params": digits()}).encode()
                        conn.sendall(str(len(data)).encode() + b":" + data + b",")
                        # Wait for baresip's answer: a connection closed at once may lose it.
                        conn.recv(4096)
                        return

    person = threading.Thread(target=listen)
    person.start()
    return person


def test_callback_in_slack_the_phone_keys_in_the_right_code(stack: Stack):
    desk, number = stack.desk, "+35317654321"
    carol = desk.world.carol
    with run_baresip(
        stack.folder / "phone", phone_account(number), sip_port=stack.server.gateway_port
    ) as phone:
        request_id = ask_for(desk, "+353 1 765 4321")
        person = person_at_phone(phone, lambda: code_shown_to(desk, carol))
        press(desk, request_id, carol)
        desk.wait_state(request_id, "pending_approval", seconds=40)
        person.join(timeout=10)
    desk.wait_thread(request_id, f"{number} answered and keyed in the right code")
    card = card_text(desk.wait_card(request_id))
    assert "Proven by call-back at " in card and f"Called {number} from {CALLS_FROM}" in card
    desk.click(desk.world.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied")
    assert desk.runtime.services.telephony.sip_account("k3x9q2m7ab").pstn_caller_id == number


def test_callback_in_slack_a_wrong_code_is_said_in_the_thread(stack: Stack):
    desk, number = stack.desk, "+35317654322"
    carol = desk.world.carol

    def wrong() -> str:
        return f"{(int(code_shown_to(desk, carol)) + 1) % 1_000_000:06d}"

    with run_baresip(
        stack.folder / "phone", phone_account(number), sip_port=stack.server.gateway_port
    ) as phone:
        request_id = ask_for(desk, "+353 1 765 4322")
        person = person_at_phone(phone, wrong)
        press(desk, request_id, carol)
        desk.wait_thread(request_id, "the code keyed in was not the right one", seconds=40)
        person.join(timeout=10)
    assert desk.request(request_id).state.value == "awaiting_customer"
    assert [(c.outcome, c.entries) for c in calls(desk, request_id)] == [("wrong_code", 1)]


@pytest.mark.parametrize(
    ("behaviour", "said", "outcome"),
    [
        ("silent", "answered, but no code was keyed in.", "no_code"),
        ("busy", "was busy.", "busy"),
        ("no-answer", "did not answer (it rang for 4 seconds).", "no_answer"),
    ],
)
def test_callback_in_slack_sipp_answers_and_keys_nothing_is_busy_or_rings_out(
    stack: Stack, behaviour: str, said: str, outcome: str
):
    desk = stack.desk
    with run_sipp(stack.folder / "sipp", stack.server.gateway_port, sipp_scenario(behaviour)):
        request_id = ask_for(desk, "+353 1 765 4323")
        press(desk, request_id, desk.world.carol)
        code_shown_to(desk, desk.world.carol)
        desk.wait_thread(request_id, said, seconds=60)
    assert [c.outcome for c in calls(desk, request_id)] == [outcome]
    assert f"callback_{outcome}" in [step[1] for step in desk.trail(request_id)]
