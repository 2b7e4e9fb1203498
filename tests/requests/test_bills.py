"""A number not on the account: a bill in the request's thread, checked, then staff decide."""

from __future__ import annotations

from billmaker import make_bill
from desk import Desk, buttons, card_text
from desk_world import recent
from sqlalchemy import select

from slack_sandbox.threads import share_file_in_thread
from store.models import Evidence

NUMBER = "+35317654321"


def good_bill(holder: str = "Globex Dental Care Limited", **changes: object) -> bytes:
    drawn: dict[str, object] = {
        "holder": holder,
        "line_number": "(01) 765 4321",
        "issue_date": recent(),
        "period": None,
    }
    drawn.update(changes)
    return make_bill(**drawn)  # type: ignore[arg-type]


def ask_for_new_number(desk: Desk, user: str, channel: str, account: str) -> int:
    desk.slack.slash_command("/callerid", f"{account} +353 1 765 4321", user=user, channel=channel)
    request_id = desk.sandbox.eventually(
        lambda: [r for r in desk.requests() if r.channel_id == channel]
    )[-1].id
    desk.wait_thread(request_id, "phone bill")
    return request_id


def share(desk: Desk, request_id: int, user: str, name: str, content: bytes, mimetype: str) -> str:
    request = desk.request(request_id)
    assert request.customer_message_ts is not None
    upload = share_file_in_thread(
        desk.slack, user, request.channel_id, request.customer_message_ts, name, content, mimetype
    )
    return upload.file_id


def evidence(desk: Desk, request_id: int) -> list[Evidence]:
    with desk.runtime.db.session() as session:
        return list(session.scalars(select(Evidence).where(Evidence.request_id == request_id)))


def test_a_good_bill_in_the_thread_goes_to_staff_with_its_checks_and_highlight(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    asked = desk.thread(request_id)
    assert any("Globex Dental Care Limited" in t and "90 days" in t for t in asked)
    assert desk.request(request_id).state.value == "awaiting_customer"

    file_id = share(desk, request_id, w.carol, "bill.pdf", good_bill(), "application/pdf")
    desk.wait_state(request_id, "pending_approval", seconds=60)
    assert [c.args.get("file") for c in desk.sandbox.calls_to("files.info")] == [file_id]
    desk.wait_thread(request_id, "Bill checked: it checks out")
    card = desk.wait_card(request_id)
    shown = card_text(card)
    assert "✅ +35317654321 is billed as a line on this bill." in shown
    assert "✅ In the name of Globex Dental Care Limited" in shown
    assert "Issuer: eir" in shown and "Bill date: 20" in shown
    assert buttons(card) == ["Approve", "Reject", "Ask for another bill"]
    uploads = desk.sandbox.eventually(lambda: desk.sandbox.calls_to("files.completeUploadExternal"))
    assert uploads[0].args.get("thread_ts") == card["ts"]
    assert uploads[0].args.get("channel_id") == w.staff_channel

    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied")
    assert desk.account("k3x9q2m7ab").pstn_caller_id == NUMBER
    assert [step[1] for step in desk.trail(request_id)] == [
        "created",
        "bill_received",
        "sent_to_staff",
        "approved",
        "applied",
    ]


def test_a_failing_bill_says_why_and_invites_another(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    share(
        desk,
        request_id,
        w.carol,
        "old.pdf",
        good_bill(line_number="(01) 999 0000"),
        "application/pdf",
    )
    said = desk.wait_thread(request_id, "does not prove", seconds=60)
    assert any("+35317654321 is not on this bill." in t and "another bill" in t for t in said)
    assert desk.request(request_id).state.value == "awaiting_customer"
    assert desk.sandbox.messages(w.staff_channel) == []

    share(desk, request_id, w.carol, "right.pdf", good_bill(), "application/pdf")
    desk.wait_state(request_id, "pending_approval", seconds=60)
    assert [e.verdict for e in evidence(desk, request_id)] == ["fail", "pass"]


def test_a_file_that_is_not_a_bill_is_refused_before_download(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    share(desk, request_id, w.carol, "notes.txt", b"my number is mine", "text/plain")
    desk.wait_thread(request_id, "is not a PDF, JPEG, PNG, HEIC or WebP")
    # Noted, refused before a byte was fetched, nothing stored.
    assert [(e.verdict, e.content) for e in evidence(desk, request_id)] == [("fail", None)]
    assert desk.request(request_id).state.value == "awaiting_customer"


def test_the_same_bill_sent_by_another_customer_is_a_signal_on_the_card(desk: Desk):
    w = desk.world
    bill = good_bill()
    # Initech tries Globex's bill first: it fails them (not their name), but it is remembered.
    first = ask_for_new_number(desk, w.dave, w.initech_channel, "r2d5v7x9qk")
    share(desk, first, w.dave, "bill.pdf", bill, "application/pdf")
    desk.wait_thread(first, "does not prove", seconds=60)
    second = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    share(desk, second, w.carol, "bill.pdf", bill, "application/pdf")
    desk.wait_state(second, "pending_approval", seconds=60)
    shown = card_text(desk.wait_card(second))
    assert "❌ The same file (SHA-256) was already sent by Initech Logistics." in shown


def test_staff_ask_for_another_bill(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    share(desk, request_id, w.carol, "bill.pdf", good_bill(), "application/pdf")
    desk.wait_state(request_id, "pending_approval", seconds=60)
    desk.wait_card(request_id)
    first_card = desk.request(request_id).staff_message_ts
    desk.click(w.bob, "approval_another_bill", request_id)
    desk.wait_state(request_id, "awaiting_customer")
    desk.wait_thread(request_id, "needs another bill")
    old = desk.sandbox.eventually(
        lambda: "another bill" in card_text(desk.card(request_id)) and desk.card(request_id)
    )
    assert buttons(old) == []
    share(desk, request_id, w.carol, "newer.pdf", good_bill(), "application/pdf")
    desk.wait_state(request_id, "pending_approval", seconds=60)
    desk.sandbox.eventually(lambda: desk.request(request_id).staff_message_ts != first_card)


def test_a_file_message_resent_under_a_new_event_id_is_one_bill(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    request = desk.request(request_id)
    assert request.customer_message_ts is not None
    upload = share_file_in_thread(
        desk.slack,
        w.carol,
        w.globex_channel,
        request.customer_message_ts,
        "bill.pdf",
        good_bill(),
        "application/pdf",
    )
    desk.slack.event(upload.message_event, event_id="Ev0FILEAGAIN")
    desk.wait_state(request_id, "pending_approval", seconds=60)
    assert len(evidence(desk, request_id)) == 1
    assert len([t for t in desk.thread(request_id) if "Got your file" in t]) == 1


def test_a_bill_with_signs_of_editing_goes_to_staff_for_review(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    share(desk, request_id, w.carol, "bill.pdf", good_bill(producer="iLovePDF"), "application/pdf")
    desk.wait_state(request_id, "pending_approval", seconds=60)
    desk.wait_thread(request_id, "needs a closer look by our support team")
    shown = card_text(desk.wait_card(request_id))
    assert "(verdict: review)" in shown
    assert "⚠️ Possible editing (online_editor)" in shown and "iLovePDF" in shown


def test_a_photo_of_the_bill_is_read_too(desk: Desk):
    import io

    import pypdfium2 as pdfium

    w = desk.world
    page = pdfium.PdfDocument(good_bill())[0]
    photo = io.BytesIO()
    page.render(scale=300 / 72).to_pil().convert("L").save(photo, format="PNG")
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    share(desk, request_id, w.carol, "bill.png", photo.getvalue(), "image/png")
    desk.wait_state(request_id, "pending_approval", seconds=120)
    shown = card_text(desk.wait_card(request_id))
    assert "✅ +35317654321 is billed as a line on this bill." in shown


def test_a_file_slack_will_not_show_is_answered_in_the_thread(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    desk.sandbox.fail_next("files.info", error="file_not_found")
    share(desk, request_id, w.carol, "bill.pdf", good_bill(), "application/pdf")
    desk.wait_thread(request_id, "I cannot see that file")
    # Noted, refused before a byte was fetched, nothing stored.
    assert [(e.verdict, e.content) for e in evidence(desk, request_id)] == [("fail", None)]
    assert desk.request(request_id).state.value == "awaiting_customer"


def test_another_entry_point_adds_a_bill_with_receive_bill(desk: Desk):
    from handlers.caller_id.evidence import receive_bill
    from handlers.notifiers import slack_notifier

    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    services = desk.runtime.services
    notifier = slack_notifier(services, desk.runtime.app.client)
    bill = good_bill()
    first = receive_bill(
        services,
        notifier,
        request_id,
        filename="bill.pdf",
        mimetype="application/pdf",
        content=bill,
        source="web:upload-1",
    )
    again = receive_bill(
        services,
        notifier,
        request_id,
        filename="bill.pdf",
        mimetype="application/pdf",
        content=bill,
        source="web:upload-1",
    )
    assert first == again
    desk.wait_state(request_id, "pending_approval", seconds=60)
    assert len([t for t in desk.thread(request_id) if "Got *bill.pdf*" in t]) == 1
