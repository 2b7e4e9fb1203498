"""A new account's credentials link Slack would not show the requester (they left the customer's
channel): the thread says so, and staff send a fresh link to someone who is there."""

from __future__ import annotations

from desk import Desk, buttons, card_text
from test_new_sip import _password_from_the_credentials_page, _value, cost_message

from handlers.approvals.blocks import RECIPIENT_BLOCK, RECIPIENT_INPUT, SEND_LINK_VIEW


def choose(desk: Desk, staff: str, recipient: str) -> None:
    desk.click(staff, "approval_send_link_again", desk.requests()[0].id)
    modal = desk.sandbox.eventually(lambda: desk.sandbox.last_view(staff))
    assert modal is not None and modal["callback_id"] == SEND_LINK_VIEW
    desk.slack.view_submission(
        SEND_LINK_VIEW,
        {RECIPIENT_BLOCK: {RECIPIENT_INPUT: {"type": "users_select", "selected_user": recipient}}},
        user=staff,
        view_id=modal["id"],
    )


def test_a_link_slack_would_not_show_goes_again_to_another_member_of_the_channel(desk: Desk):
    w = desk.world
    erin = desk.sandbox.add_user("erin", team_id=w.globex_team, real_name="Erin Else")
    desk.sandbox.join(w.globex_channel, erin)
    desk.slack.slash_command("/sip", "new Front desk", user=w.carol, channel=w.globex_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    offer = cost_message(desk, request_id)
    desk.slack.block_action(
        "new_sip_accept", _value(offer), user=w.carol, channel=w.globex_channel,
        message_ts=str(offer["ts"]),
    )  # fmt: skip
    desk.wait_card(request_id)
    desk.sandbox.leave(w.globex_channel, w.carol)  # Carol moves on before staff decide

    desk.click(w.alice, "approval_approve", request_id)
    said = desk.wait_thread(request_id, "Applied")
    assert any(f"Slack would not show <@{w.carol}> the link" in t for t in said)
    assert desk.sandbox.ephemerals(user=w.carol) == []
    card = desk.sandbox.eventually(
        lambda: "Send the link again" in str(desk.card(request_id)) and desk.card(request_id)
    )
    assert buttons(card) == ["Send the link again"]
    assert "nobody has it yet" in card_text(card)

    # The requester is still not in the channel: nothing is sent, the staff member hears why.
    choose(desk, w.bob, w.carol)
    refused = desk.sandbox.eventually(
        lambda: [e for e in desk.sandbox.ephemerals(user=w.bob) if "not in the customer" in str(e)]
    )
    assert refused and desk.sandbox.ephemerals(user=w.carol) == []
    assert buttons(desk.card(request_id)) == ["Send the link again"]

    choose(desk, w.bob, erin)
    desk.wait_thread(request_id, f"sent <@{erin}> a new one-time link")
    password = _password_from_the_credentials_page(desk, erin)
    username = desk.request(request_id).details["username"]
    assert desk.runtime.services.telephony.check_password(username, password)  # type: ignore[attr-defined]
    card = desk.sandbox.eventually(
        lambda: "Send the link again" not in str(desk.card(request_id)) and desk.card(request_id)
    )
    assert buttons(card) == []
    assert [s[1] for s in desk.trail(request_id)].count("link_sent_again") == 1
