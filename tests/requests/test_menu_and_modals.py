"""`/sip menu`: staff post the buttons; each opens its modal, and a modal asks like a command."""

from __future__ import annotations

from desk import Desk, buttons

from handlers.caller_id import blocks as callerid
from handlers.new_sip import blocks as new_sip
from handlers.watch.blocks import two_devices_warning


def post_menu(desk: Desk) -> dict[str, object]:
    w = desk.world
    desk.slack.slash_command("/sip", "menu", user=w.alice, channel=w.globex_channel)
    menus = desk.sandbox.eventually(lambda: desk.sandbox.messages(w.globex_channel))
    return menus[0]


def click_menu(desk: Desk, menu: dict[str, object], user: str, action_id: str) -> dict[str, object]:
    w = desk.world
    before = desk.sandbox.last_view(user)
    desk.slack.block_action(
        action_id, action_id, user=user, channel=w.globex_channel, message_ts=str(menu["ts"])
    )
    opened = desk.sandbox.eventually(
        lambda: (view := desk.sandbox.last_view(user)) is not None and view != before and view
    )
    assert isinstance(opened, dict)
    return opened


def test_staff_post_the_menu_and_its_buttons_open_their_modals(desk: Desk):
    w = desk.world
    menu = post_menu(desk)
    assert buttons(menu) == ["Change caller ID", "New SIP account", "SIP status", "New password"]
    assert click_menu(desk, menu, w.carol, "menu_change_caller_id")["callback_id"] == callerid.MODAL
    assert click_menu(desk, menu, w.carol, "menu_new_sip_account")["callback_id"] == new_sip.MODAL
    status = click_menu(desk, menu, w.carol, "menu_sip_status")
    assert "Reception desk" in str(status["blocks"]) and "k3x9q2m7ab" in str(status["blocks"])


def test_a_customer_cannot_post_the_menu(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/sip", "menu", user=w.carol, channel=w.globex_channel)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "Only the support team can do that." in said[0].body["text"]
    assert desk.sandbox.messages(w.globex_channel) == []
    assert [r.actor for r in desk.refusals()] == [w.carol]


def test_the_caller_id_modal_asks_like_the_command(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/callerid", "", user=w.carol, channel=w.globex_channel)
    modal = desk.sandbox.eventually(lambda: desk.sandbox.last_view(w.carol))
    assert modal is not None and modal["callback_id"] == callerid.MODAL
    desk.slack.view_submission(
        callerid.MODAL,
        {
            callerid.ACCOUNT: {
                callerid.INPUT: {
                    "type": "static_select",
                    "selected_option": {"value": "p8w4n6t1cz"},
                }
            },
            callerid.KIND: {
                callerid.INPUT: {"type": "radio_buttons", "selected_option": {"value": "pstn"}}
            },
            callerid.VALUE: {callerid.INPUT: "+353 1 234 5679"},
            callerid.VOIP_NUMBER: {callerid.INPUT: ""},
        },
        user=w.carol,
        view_id=str(modal["id"]),
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")
    assert desk.account("p8w4n6t1cz").pstn_caller_id == "+35312345679"


def test_a_refused_modal_ask_is_told_to_the_person(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/callerid", "", user=w.carol, channel=w.globex_channel)
    modal = desk.sandbox.eventually(lambda: desk.sandbox.last_view(w.carol))
    assert modal is not None
    desk.slack.view_submission(
        callerid.MODAL,
        {
            callerid.ACCOUNT: {
                callerid.INPUT: {
                    "type": "static_select",
                    "selected_option": {"value": "k3x9q2m7ab"},
                }
            },
            callerid.KIND: {
                callerid.INPUT: {"type": "radio_buttons", "selected_option": {"value": "pstn"}}
            },
            callerid.VALUE: {callerid.INPUT: "not a number"},
        },
        user=w.carol,
        view_id=str(modal["id"]),
    )
    said = desk.sandbox.eventually(lambda: desk.ephemerals_to(w.carol))
    assert "is not a phone number" in said[0]
    assert desk.requests() == []


def test_the_new_sip_modal_with_the_mailbox_off(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/sip", "new", user=w.dave, channel=w.initech_channel)
    modal = desk.sandbox.eventually(lambda: desk.sandbox.last_view(w.dave))
    assert modal is not None and modal["callback_id"] == new_sip.MODAL
    desk.slack.view_submission(
        new_sip.MODAL,
        {
            new_sip.LABEL: {new_sip.INPUT: "Loading bay"},
            new_sip.MAILBOX: {
                new_sip.INPUT: {"type": "radio_buttons", "selected_option": {"value": "off"}}
            },
        },
        user=w.dave,
        view_id=str(modal["id"]),
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_card(request_id)
    desk.click(w.bob, "approval_approve", request_id)
    applied = desk.wait_state(request_id, "applied")
    assert desk.account(applied.details["username"]).mailbox is False


def test_the_two_devices_warning_button_asks_for_a_new_sip_account(desk: Desk):
    w = desk.world
    text, blocks = two_devices_warning("Reception desk", "k3x9q2m7ab", ["Yealink T54W", "Snom"])
    posted = desk.runtime.app.client.chat_postMessage(
        channel=w.globex_channel, text=text, blocks=blocks
    )  # what the watch posts in the customer's channel
    before = desk.sandbox.last_view(w.carol)
    desk.slack.block_action(
        "watch_new_sip_account",
        "k3x9q2m7ab",
        user=w.carol,
        channel=w.globex_channel,
        message_ts=str(posted["ts"]),
    )
    modal = desk.sandbox.eventually(
        lambda: (view := desk.sandbox.last_view(w.carol)) is not None and view != before and view
    )
    assert isinstance(modal, dict) and modal["callback_id"] == new_sip.MODAL
    desk.slack.view_submission(
        new_sip.MODAL,
        {new_sip.LABEL: {new_sip.INPUT: "Reception phone 2"}},
        user=w.carol,
        view_id=str(modal["id"]),
    )
    (request,) = desk.sandbox.eventually(desk.requests)
    assert request.kind.value == "new_sip_account" and request.channel_id == w.globex_channel
    assert any("costs" in t for t in desk.wait_thread(request.id, "costs"))
