"""The call-back from the click to the proof, with the test phone answering at once.

Run: ``.venv/bin/python bench/callback.py [--rounds 5]``

The real parts on loopback: the bot (the real Bolt app over HTTP, the job worker in-process, a
fresh SQLite file) against the local Slack sandbox; a real Kamailio (its own PostgreSQL
database, from tests/telephony); sipdesk's baresip as the service account; a second baresip as
the claimed number's phone, whose "person" keys in the code from the ephemeral message as soon
as the call is up. Each round is a new request for a new number (one call per number per 2 min).

Measured per round:
- the ack of the *Call me with a code* click (the HTTP answer to the signed click), against the
  ack of a click that only acks (*Upload the bill*, a URL button) in the same run;
- click → proof: from sending the click until the request is pending approval, against a bare
  call (the same baresip, Kamailio and phone, dialled straight through the port) in the same run.
Target: click → proof under 10 s.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "telephony"))
sys.path.insert(0, str(ROOT / "tests" / "requests"))

from callback_phones import caller_account, phone_account, prompt_wav, run_baresip  # noqa: E402
from callback_world import ask_for, code_shown_to, offers, open_callback_desk  # noqa: E402
from desk import Desk  # noqa: E402
from telephony_world import KamailioServer, kamailio_platform, make_customer, run_kamailio  # noqa: E402
from test_callback_in_slack import person_at_phone  # noqa: E402

from handlers.callback.blocks import CALL_ME  # noqa: E402
from handlers.links.blocks import OPEN_UPLOAD_PAGE  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from telephony.callback import BaresipCaller  # noqa: E402

CALLS_FROM = "+35315550100"
REDIS_URL = "redis://127.0.0.1:6379/0"
TARGET_SECONDS = 10.0


def button(message: dict[str, object], action_id: str) -> str:
    for block in message.get("blocks", []):  # type: ignore[attr-defined]
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return str(element.get("value") or "")
    raise SystemExit(f"no {action_id} button")


def click(desk: Desk, request_id: int, action_id: str) -> float:
    """Click a button of the request's bill message; seconds to the HTTP answer (the ack)."""
    offer = offers(desk, request_id)[-1]
    request = desk.request(request_id)
    started = time.perf_counter()
    desk.slack.block_action(
        action_id,
        button(offer, action_id),
        user=desk.world.carol,
        channel=request.channel_id,
        message_ts=str(offer["ts"]),
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    prefix = f"sipdesk-bench:{uuid.uuid4().hex[:8]}:"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kamailio").mkdir()
        with run_kamailio(Path(tmp) / "kamailio") as server:
            measure(Path(tmp), server, prefix, args.rounds)


def measure(work: Path, server: KamailioServer, prefix: str, count: int) -> None:
    database = Database(f"sqlite:///{work / 'sipdesk.sqlite3'}")
    upgrade(database)
    platform = kamailio_platform(database, server, source="jsonrpc")
    service = platform.create_sip_account(make_customer(database).customer_ref, "call-back")
    platform.set_pstn_caller_id(service.username, CALLS_FROM)
    prompt = prompt_wav(work, seconds_to_key=20)
    account = caller_account(server, service.username, service.password)
    with run_baresip(work / "caller", account, audio_source=prompt) as caller_ua:
        desk = open_callback_desk(
            database,
            REDIS_URL,
            prefix,
            work / "home",
            SIPDESK_CALLBACK_CALLER="baresip",
            SIPDESK_CALLBACK_BARESIP=f"127.0.0.1:{caller_ua.ctrl_port}",
            SIPDESK_CALLBACK_DAILY=1000,
            SIPDESK_SIP_DOMAIN="127.0.0.1",
        )
        bare = BaresipCaller(
            "127.0.0.1",
            caller_ua.ctrl_port,
            domain="127.0.0.1",
            lock_redis=redis.Redis.from_url(REDIS_URL),
            lock_prefix=prefix,
        )
        try:
            rounds(desk, bare, server.gateway_port, work, count)
        finally:
            desk.close()
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)
            database.dispose()


def rounds(desk: Desk, bare: BaresipCaller, gateway: int, work: Path, count: int) -> None:
    acks, only_acks, proofs, calls = [], [], [], []
    carol = desk.world.carol
    for n in range(count):
        number = f"+3531765{4400 + n:04d}"
        with run_baresip(work / f"phone{n}", phone_account(number), sip_port=gateway) as phone:
            request_id = ask_for(desk, f"+353 1 765 {4400 + n:04d}")
            only_acks.append(click(desk, request_id, OPEN_UPLOAD_PAGE))
            shown = len(desk.ephemerals_to(carol))
            person = person_at_phone(phone, lambda shown=shown: latest_code(desk, carol, shown))
            started = time.perf_counter()
            acks.append(click(desk, request_id, CALL_ME))
            desk.wait_state(request_id, "pending_approval", seconds=60)
            proofs.append(time.perf_counter() - started)
            person.join(timeout=10)
            if proofs[-1] > TARGET_SECONDS:
                print_trail(desk, request_id, started)
            # The bare call: the same line and phone, no Slack, no job, no database.
            with socket.create_connection(("127.0.0.1", phone.ctrl_port), timeout=60) as ctrl:
                keyer = threading.Thread(target=key_at_once, args=(ctrl,))
                keyer.start()
                started = time.perf_counter()
                outcome = bare.call_with_code(number, 6)
                calls.append(time.perf_counter() - started)
                keyer.join(timeout=10)
            assert outcome.keys == "123456", outcome
        print(
            f"round {n + 1}: ack {acks[-1] * 1000:.1f} ms (only-ack {only_acks[-1] * 1000:.1f} "
            f"ms), click → proof {proofs[-1]:.2f} s, bare call {calls[-1]:.2f} s"
        )
    ack, base = statistics.median(acks), statistics.median(only_acks)
    proof, call = statistics.median(proofs), statistics.median(calls)
    print(
        f"\nmedian of {count}: ack of the click {ack * 1000:.1f} ms vs a click that only acks "
        f"{base * 1000:.1f} ms (ratio {ack / base:.2f})"
    )
    print(
        f"click → proof {proof:.2f} s (max {max(proofs):.2f} s) vs the bare call {call:.2f} s "
        f"(ratio {proof / call:.2f}); target under {TARGET_SECONDS:.0f} s: "
        + ("met" if max(proofs) < TARGET_SECONDS else "MISSED")
    )


def print_trail(desk: Desk, request_id: int, clicked: float) -> None:
    from sqlalchemy import select

    from store.models import AuditEvent

    with desk.runtime.db.session() as session:
        for event in session.scalars(
            select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.id)
        ):
            print(f"  {event.at:%H:%M:%S.%f} {event.action} {event.note or ''}")


def latest_code(desk: Desk, user: str, after: int) -> str:
    """The code of this round's ephemeral (the earlier rounds' are older)."""
    desk.sandbox.eventually(lambda: len(desk.ephemerals_to(user)) > after, 10)
    return code_shown_to(desk, user)


def key_at_once(conn: socket.socket) -> None:
    from test_callback_baresip import key_in_once_answered

    key_in_once_answered(conn, "123456")


if __name__ == "__main__":
    main()
