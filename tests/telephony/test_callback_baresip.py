"""The call-back line for real: baresip, a service account on the real Kamailio, dials a claimed
number; Kamailio authenticates it, shows SIPDESK_CALLBACK_FROM and routes the call out to the
PSTN gateway's address, where SIPp (or a second baresip) plays the claimed number's phone."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
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
from telephony.callback import BaresipCaller, CallResult

pytestmark = pytest.mark.kamailio

CALLS_FROM = "+35315550100"
NUMBER = "+35317654321"


@dataclass
class Line:
    """sipdesk's side: the caller baresip and the port that drives it."""

    ua: Baresip
    caller: BaresipCaller
    server: KamailioServer


@pytest.fixture
def line(
    store_db: Database,
    kamailio: KamailioServer,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
) -> Iterator[Line]:
    platform = kamailio_platform(store_db, kamailio, source="jsonrpc")
    world = make_customer(store_db)
    service = platform.create_sip_account(world.customer_ref, "call-back line")
    platform.set_pstn_caller_id(service.username, CALLS_FROM)
    account = caller_account(kamailio, service.username, service.password)
    prompt = prompt_wav(tmp_path, seconds_to_key=20)
    with run_baresip(tmp_path / "caller", account, audio_source=prompt) as ua:
        caller = BaresipCaller(
            "127.0.0.1",
            ua.ctrl_port,
            domain="127.0.0.1",
            lock_redis=redis.Redis.from_url(redis_url),
            lock_prefix=redis_prefix,
            ring_seconds=4,
            key_seconds=8,
        )
        yield Line(ua, caller, kamailio)


def invite_seen_by(folder: Path) -> str:
    logs = list(folder.glob("*_messages.log"))
    assert logs, f"sipp wrote no message log in {folder}"
    text = logs[0].read_text(errors="replace")
    start = text.find("INVITE sip:")
    assert start >= 0, text[-2000:]
    return text[start : text.find("\n\n", start)]


def test_callback_keys_in_sip_info_reach_the_port(line: Line, tmp_path: Path):
    folder = tmp_path / "sipp"
    with run_sipp(folder, line.server.gateway_port, sipp_scenario("info", "135790")):
        outcome = line.caller.call_with_code(NUMBER, 6)
    assert (outcome.result, outcome.keys) == (CallResult.KEYED, "135790"), outcome
    assert outcome.answered_at is not None
    invite = invite_seen_by(folder)
    # Kamailio authenticated the service account and shows the call-back number.
    assert f"P-Asserted-Identity: <sip:{CALLS_FROM}@127.0.0.1>" in invite
    assert f"From: <sip:{CALLS_FROM}@127.0.0.1>" in invite


def test_callback_a_phone_that_answers_and_keys_nothing(line: Line, tmp_path: Path):
    with run_sipp(tmp_path / "sipp", line.server.gateway_port, sipp_scenario("silent")):
        outcome = line.caller.call_with_code(NUMBER, 6)
    assert (outcome.result, outcome.keys) == (CallResult.NO_KEYS, ""), outcome


def test_callback_a_busy_phone(line: Line, tmp_path: Path):
    with run_sipp(tmp_path / "sipp", line.server.gateway_port, sipp_scenario("busy")):
        outcome = line.caller.call_with_code(NUMBER, 6)
    assert outcome.result is CallResult.BUSY, outcome
    assert outcome.detail.startswith("486")


def test_callback_a_phone_that_declines(line: Line, tmp_path: Path):
    with run_sipp(tmp_path / "sipp", line.server.gateway_port, sipp_scenario("reject")):
        outcome = line.caller.call_with_code(NUMBER, 6)
    assert outcome.result is CallResult.REJECTED, outcome
    assert outcome.detail.startswith("603")


def test_callback_a_phone_that_rings_out(line: Line, tmp_path: Path):
    with run_sipp(tmp_path / "sipp", line.server.gateway_port, sipp_scenario("no-answer")):
        outcome = line.caller.call_with_code(NUMBER, 6)
    assert outcome.result is CallResult.NO_ANSWER, outcome


def test_callback_a_second_baresip_answers_and_keys_in_rfc4733_events(line: Line, tmp_path: Path):
    with (
        run_baresip(
            tmp_path / "phone", phone_account(NUMBER), sip_port=line.server.gateway_port
        ) as phone,
        socket.create_connection(("127.0.0.1", phone.ctrl_port), timeout=30) as ctrl,
    ):
        keyer = threading.Thread(target=key_in_once_answered, args=(ctrl, "204060"))
        keyer.start()
        outcome = line.caller.call_with_code(NUMBER, 6)
        keyer.join(timeout=30)
    assert (outcome.result, outcome.keys) == (CallResult.KEYED, "204060"), outcome


def key_in_once_answered(conn: socket.socket, digits: str) -> None:
    """The person at the phone: once the call is up, key in `digits` (RFC 4733, `sndcode`),
    told by the phone's ctrl_tcp connection `conn` (opened before the call, to miss nothing)."""
    buffer = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        buffer += conn.recv(4096)
        while b":" in buffer:
            head, _, rest = buffer.partition(b":")
            size = int(head)
            if len(rest) < size + 1:
                break
            event = json.loads(rest[:size])
            buffer = rest[size + 1 :]
            if event.get("type") == "CALL_ESTABLISHED":
                data = json.dumps({"command": "sndcode", "params": digits}).encode()
                conn.sendall(str(len(data)).encode() + b":" + data + b",")
                conn.recv(4096)  # baresip's answer: closing at once may lose the command
                return
