"""What the app put in a modal's private_metadata or a button's value comes back sealed, and the
person acting must belong to the team of the channel it names: a submission naming another
customer's channel changes nothing, and says why in the form."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from desk import Desk, button_value
from sipdesk_env import clean_env
from sqlalchemy import select

from handlers.caller_id import blocks as callerid
from handlers.new_sip.blocks import ACCEPT
from handlers.refs import ChannelRef, RequestRef, seal, unseal
from store.db import Database
from store.models import ChannelLink

SIPDESK = str(Path(sys.executable).parent / "sipdesk")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "accounts.yml"


def _pstn_form(account: str, number: str) -> dict[str, dict[str, Any]]:
    return {
        callerid.ACCOUNT: {
            callerid.INPUT: {"type": "static_select", "selected_option": {"value": account}}
        },
        callerid.KIND: {
            callerid.INPUT: {"type": "radio_buttons", "selected_option": {"value": "pstn"}}
        },
        callerid.VALUE: {callerid.INPUT: number},
    }


def _form_error(reply: Any) -> str:
    answer = reply.json()
    assert answer.get("response_action") == "errors", answer
    return " ".join(answer["errors"].values())


def test_a_bare_channel_in_the_metadata_is_not_taken(desk: Desk):
    w = desk.world
    before = desk.account("r2d5v7x9qk").pstn_caller_id
    reply = desk.slack.view_submission(
        callerid.MODAL,
        _pstn_form("r2d5v7x9qk", "+35318765432"),
        user=w.carol,
        private_metadata=w.initech_channel,  # what the form carried before it was sealed
    )
    assert "no longer points" in _form_error(reply)
    assert desk.requests() == [] and desk.account("r2d5v7x9qk").pstn_caller_id == before


def test_a_sealed_channel_of_another_customer_is_refused_to_their_team(desk: Desk):
    w = desk.world
    before = desk.account("r2d5v7x9qk").pstn_caller_id
    reply = desk.slack.view_submission(
        callerid.MODAL,
        _pstn_form("r2d5v7x9qk", "+35318765432"),
        user=w.carol,  # Globex's contact, with a form sealed for Initech's channel
        private_metadata=ChannelRef(w.initech_channel).encode(),
    )
    assert "own Slack workspace" in _form_error(reply)
    assert desk.requests() == [] and desk.account("r2d5v7x9qk").pstn_caller_id == before


def test_the_customers_own_sealed_form_still_works(desk: Desk):
    w = desk.world
    reply = desk.slack.view_submission(
        callerid.MODAL,
        _pstn_form("k3x9q2m7ab", "+35312345679"),
        user=w.carol,
        private_metadata=ChannelRef(w.globex_channel).encode(),
    )
    assert reply.status_code == 200 and not reply.content
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")


def test_a_slash_command_from_another_customers_team_is_refused(desk: Desk):
    w = desk.world
    desk.slack.slash_command(
        "/callerid", "k3x9q2m7ab anonymous", user=w.dave, channel=w.globex_channel
    )
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "own Slack workspace" in str(said[0].body["text"])
    assert desk.requests() == []


def _cost_message(desk: Desk) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        for message in desk.sandbox.history(desk.world.globex_channel):
            if ACCEPT in str(message.get("blocks")):
                return message
        return None

    message = desk.sandbox.eventually(found)
    assert message is not None
    return message


def test_a_forged_request_ref_on_a_button_is_refused(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/sip", "new Front desk", user=w.carol, channel=w.globex_channel)
    ts = str(_cost_message(desk)["ts"])
    request = desk.requests()[0]
    forged = f"r{request.id}v{request.version}"  # right numbers, no seal
    desk.slack.block_action(ACCEPT, forged, user=w.carol, channel=w.globex_channel, message_ts=ts)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "no longer points at a request" in str(said[-1].body["text"])
    assert desk.request(request.id).state.value == "awaiting_customer"
    # The same numbers, sealed by the app, are taken (staff are asked next).
    sealed = button_value(_cost_message(desk), ACCEPT)
    assert sealed == RequestRef(request.id, request.version).encode()
    desk.slack.block_action(ACCEPT, sealed, user=w.carol, channel=w.globex_channel, message_ts=ts)
    desk.wait_state(request.id, "pending_approval")


def test_a_seal_holds_only_for_its_own_payload():
    sealed = seal("r1v2")
    assert unseal(sealed) == "r1v2"
    payload, mac = sealed.rsplit(".", 1)
    for bent in (
        "r1v3." + mac,
        payload + "." + mac[:-1] + ("A" if mac[-1] != "A" else "B"),
        payload,
    ):
        try:
            unseal(bent)
        except Exception as refused:
            assert "no longer points" in str(refused)
        else:
            raise AssertionError(f"{bent!r} was taken")


def _sipdesk(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    clean = clean_env()
    clean["DATABASE_URL"] = database.url
    return subprocess.run([SIPDESK, *args], capture_output=True, text=True, env=clean, timeout=120)


def test_link_channel_records_the_customers_team(database: Database):
    assert _sipdesk(database, "import-accounts", str(EXAMPLE)).returncode == 0
    linked = _sipdesk(database, "link-channel", "C0NEWGLOBEX", "GLOBEX-001", "--team", "T0GLOBEX")
    assert linked.returncode == 0, linked.stderr
    without = _sipdesk(database, "link-channel", "C0OTHER", "GLOBEX-001")
    assert without.returncode == 0 and "only people of your own workspace" in without.stdout
    with database.session() as session:
        teams = {c.channel_id: c.team_id for c in session.scalars(select(ChannelLink))}
    assert teams["C0NEWGLOBEX"] == "T0GLOBEX" and teams["C0OTHER"] is None
