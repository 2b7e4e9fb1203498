"""Staff decide on the card: Approve, Reject with a reason; the card is updated in place."""

from __future__ import annotations

from desk import Desk, buttons, card_text

from handlers.approvals.blocks import REASON_BLOCK, REASON_INPUT


def ask_international(desk: Desk, user: str | None = None) -> int:
    w = desk.world
    desk.slack.slash_command(
        "/callerid", "k3x9q2m7ab +44 20 7946 0123", user=user or w.carol, channel=w.globex_channel
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "pending_approval")
    desk.wait_card(request_id)
    return request_id


def test_an_international_number_goes_to_staff_and_is_applied_once_approved(desk: Desk):
    w = desk.world
    request_id = ask_international(desk)
    card = desk.card(request_id)
    shown = card_text(card)
    assert "Globex Dental" in shown and f"<@{w.carol}>" in shown
    assert "Reception desk (k3x9q2m7ab)" in shown
    assert "+35312345678" in shown and "+442079460123" in shown
    assert buttons(card) == ["Approve", "Reject"]
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+35312345678"  # not before approval

    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied")
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+442079460123"
    card = desk.sandbox.eventually(
        lambda: "applied" in card_text(desk.card(request_id)) and desk.card(request_id)
    )
    assert buttons(card) == []
    assert f"Approved* by <@{w.alice}>" in card_text(card)
    said = desk.wait_thread(request_id, "Applied")
    assert any("with our support team" in t for t in said)
    assert any("Approved by our support team" in t for t in said)
    assert [step[1:] for step in desk.trail(request_id)] == [
        ("created", "pending_approval"),
        ("approved", "approved"),
        ("applied", "applied"),
    ]
    assert desk.trail(request_id)[1][0] == w.alice


def test_reject_asks_the_reason_and_the_customer_hears_it(desk: Desk):
    w = desk.world
    request_id = ask_international(desk)
    desk.click(w.bob, "approval_reject", request_id)
    modal = desk.sandbox.eventually(lambda: desk.sandbox.last_view(w.bob))
    assert modal is not None and modal["callback_id"] == "approval_reject_reason"
    desk.slack.view_submission(
        "approval_reject_reason",
        {REASON_BLOCK: {REASON_INPUT: "UK numbers need a UK address on file."}},
        user=w.bob,
        view_id=modal["id"],
    )
    rejected = desk.wait_state(request_id, "rejected")
    assert rejected.decided_by == w.bob
    assert rejected.decision_note == "UK numbers need a UK address on file."
    desk.wait_thread(request_id, "UK numbers need a UK address on file.")
    card = desk.sandbox.eventually(
        lambda: "Rejected" in card_text(desk.card(request_id)) and desk.card(request_id)
    )
    assert buttons(card) == []
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+35312345678"


def test_a_customer_clicking_approve_is_refused_and_audited(desk: Desk):
    w = desk.world
    request_id = ask_international(desk)
    desk.click(w.carol, "approval_approve", request_id)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "Only the support team can do that." in said[-1].body["text"]
    assert desk.request(request_id).state.value == "pending_approval"
    assert [r.actor for r in desk.refusals()] == [w.carol]


def test_nobody_approves_a_request_they_raised(desk: Desk):
    w = desk.world
    request_id = ask_international(desk, user=w.alice)  # staff acting in a customer's channel
    desk.click(w.alice, "approval_approve", request_id)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "another member of the support team must decide" in said[-1].body["text"]
    assert desk.request(request_id).state.value == "pending_approval"
    assert desk.refusals()[0].actor == w.alice
    desk.click(w.bob, "approval_approve", request_id)
    desk.wait_state(request_id, "applied")


def test_a_voip_caller_id_goes_to_staff(desk: Desk):
    w = desk.world
    desk.slack.slash_command(
        "/callerid", "voip Reception desk Front Desk 101", user=w.carol, channel=w.globex_channel
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    card = desk.wait_card(request_id)
    assert "Reception (100)" in card_text(card) and "Front Desk (101)" in card_text(card)
    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied")
    account = desk.account("k3x9q2m7ab")
    assert (account.voip_caller_id_name, account.voip_caller_id_number) == ("Front Desk", "101")


def test_on_the_embedded_sqlite_database_too(sqlite_desk: Desk):
    w = sqlite_desk.world
    request_id = ask_international(sqlite_desk)
    sqlite_desk.click(w.alice, "approval_approve", request_id)
    sqlite_desk.wait_state(request_id, "applied")
    assert sqlite_desk.account("k3x9q2m7ab").pstn_caller_id == "+442079460123"
