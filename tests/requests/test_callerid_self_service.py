"""A customer sets a PSTN caller ID the account already owns: applied at once, no staff card."""

from __future__ import annotations

from desk import Desk


def test_a_domestic_number_on_the_account_is_applied_at_once_and_audited(desk: Desk):
    w = desk.world
    answer = desk.slack.slash_command(
        "/callerid", "k3x9q2m7ab +353 1 234 5679", user=w.carol, channel=w.globex_channel
    )
    assert answer.status_code == 200
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+35312345679"
    said = desk.wait_thread(request_id, "Applied")
    assert any("+35312345679" in t for t in said)
    assert desk.trail(request_id) == [
        (w.carol, "created", "pending_approval"),
        ("system:self-service", "approved", "approved"),
        ("system:apply", "applied", "applied"),
    ]
    assert desk.sandbox.messages(w.staff_channel) == []  # no staff card


def test_anonymous_by_the_accounts_label(desk: Desk):
    w = desk.world
    desk.slack.slash_command(
        "/callerid", "Reception desk anonymous", user=w.carol, channel=w.globex_channel
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")
    account = desk.account("k3x9q2m7ab")
    assert account.pstn_anonymous and account.pstn_caller_id is None
    assert any("anonymous" in t for t in desk.thread(request_id))
