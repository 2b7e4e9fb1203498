"""Housekeeping on the scheduler's timer: staff reminded once of a request waiting too long,
a request whose bill never came expires with a word to the customer, old bills are purged
down to their SHA-256 and verdict."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from watch_world import STAFF, Customers, RecordingNotifier

from handlers.housekeeping.flow import HousekeepingPolicy, sweep
from store import links, requests
from store.db import Database
from store.links import Credentials
from store.models import Evidence, LinkKind, OneTimeLink, Request, RequestKind, RequestState
from store.types import utcnow

POLICY = HousekeepingPolicy(
    remind_after=timedelta(hours=24),
    bill_wait=timedelta(days=14),
    confirm_wait=timedelta(days=7),
    bill_keep=timedelta(days=90),
    staff_channel=STAFF,
)


def make_request(db: Database, customer_id: int, state: RequestState, kind: RequestKind) -> int:
    with db.session() as session:
        return requests.create(
            session, kind=kind, customer_id=customer_id, channel_id="CGLOBEX",
            requested_by="UCAROL", state=state,
        ).id  # fmt: skip


def test_a_request_pending_over_remind_after_is_reminded_to_staff_once(
    database: Database, customers: Customers
) -> None:
    pending = make_request(
        database, customers.globex, RequestState.PENDING_APPROVAL, RequestKind.NEW_SIP_ACCOUNT
    )
    fresh_enough = utcnow() + timedelta(hours=23)
    notifier = RecordingNotifier()
    assert sweep(database, notifier, POLICY, fresh_enough).reminded == 0
    later = utcnow() + timedelta(hours=25)
    assert sweep(database, notifier, POLICY, later).reminded == 1
    assert sweep(database, notifier, POLICY, later + timedelta(hours=1)).reminded == 0
    (reminder,) = notifier.posts(STAFF)
    assert f"#{pending}" in reminder.text and "new SIP account" in reminder.text
    assert "Globex Dental" in reminder.text


def test_a_reminder_carries_the_cards_buttons_and_a_failed_one_is_sent_again(
    database: Database, customers: Customers
) -> None:
    pending = make_request(
        database, customers.globex, RequestState.PENDING_APPROVAL, RequestKind.NEW_SIP_ACCOUNT
    )
    later = utcnow() + timedelta(hours=25)
    notifier = RecordingNotifier(fail_posts=1)  # Slack refuses the first reminder
    assert sweep(database, notifier, POLICY, later).reminded == 0
    assert sweep(database, notifier, POLICY, later).reminded == 1
    (reminder,) = notifier.posts(STAFF)
    assert f"#{pending}" in reminder.text
    labels = [
        element["text"]["text"]
        for block in reminder.blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert labels == ["Approve", "Reject"]


def test_a_request_waiting_for_a_bill_expires_and_the_customer_is_told(
    database: Database, customers: Customers
) -> None:
    waiting = make_request(
        database, customers.globex, RequestState.AWAITING_CUSTOMER, RequestKind.PSTN_CALLER_ID
    )
    notifier = RecordingNotifier()
    assert sweep(database, notifier, POLICY, utcnow() + timedelta(days=13)).expired == 0
    assert sweep(database, notifier, POLICY, utcnow() + timedelta(days=15)).expired == 1
    with database.session() as session:
        assert session.get_one(Request, waiting).state is RequestState.EXPIRED
        trail = requests.audit_trail(session, waiting)
    assert trail[-1].actor == "system:housekeeping"
    (told,) = notifier.posts("CGLOBEX")
    assert "expired" in told.text and "14 days" in told.text


def test_a_cost_never_accepted_and_a_password_never_confirmed_expire_after_the_confirm_wait(
    database: Database, customers: Customers
) -> None:
    cost = make_request(
        database, customers.globex, RequestState.AWAITING_CUSTOMER, RequestKind.NEW_SIP_ACCOUNT
    )
    password = make_request(
        database, customers.globex, RequestState.AWAITING_CUSTOMER, RequestKind.PASSWORD_RESET
    )
    bill = make_request(
        database, customers.globex, RequestState.AWAITING_CUSTOMER, RequestKind.PSTN_CALLER_ID
    )
    notifier = RecordingNotifier()
    assert sweep(database, notifier, POLICY, utcnow() + timedelta(days=6)).expired == 0
    assert sweep(database, notifier, POLICY, utcnow() + timedelta(days=8)).expired == 2
    assert sweep(database, notifier, POLICY, utcnow() + timedelta(days=9)).expired == 0
    with database.session() as session:
        states = {r: session.get_one(Request, r).state for r in (cost, password, bill)}
        notes = [requests.audit_trail(session, r)[-1].note for r in (cost, password)]
    assert states == {
        cost: RequestState.EXPIRED,
        password: RequestState.EXPIRED,
        bill: RequestState.AWAITING_CUSTOMER,  # a bill has its own, longer wait
    }
    assert notes == ["cost not accepted within 7 days", "not confirmed within 7 days"]
    told = {p.text.split(":")[2].split()[1]: p.text for p in notifier.posts("CGLOBEX")}
    assert "the cost was not accepted within 7 days" in told[f"#{cost}"]
    assert "/sip new LABEL" in told[f"#{cost}"]
    assert "the old one still works" in told[f"#{password}"]


def test_bills_decided_long_ago_lose_their_bytes_and_text_but_keep_hash_and_verdict(
    database: Database, customers: Customers
) -> None:
    decided = make_request(
        database, customers.globex, RequestState.PENDING_APPROVAL, RequestKind.PSTN_CALLER_ID
    )
    open_one = make_request(
        database, customers.globex, RequestState.PENDING_APPROVAL, RequestKind.PSTN_CALLER_ID
    )
    with database.session() as session:
        for request_id in (decided, open_one):
            session.add(
                Evidence(
                    request_id=request_id, slack_file_id=f"F{request_id}", filename="bill.pdf",
                    sha256="ab" * 32, content=b"%PDF-1.7 ...", report={"text": "Eir bill ..."},
                    verdict="pass",
                )
            )  # fmt: skip
        requests.transition(session, decided, RequestState.REJECTED, actor="UALICE")
        session.execute(
            update(Request)
            .where(Request.id == decided)
            .values(updated_at=utcnow() - timedelta(days=91))
        )
    assert sweep(database, RecordingNotifier(), POLICY, utcnow()).purged == 1
    with database.session() as session:
        rows = {e.request_id: e for e in session.scalars(select(Evidence))}
    assert rows[decided].content is None and rows[decided].report is None
    assert rows[decided].sha256 == "ab" * 32 and rows[decided].verdict == "pass"
    assert rows[decided].purged_at is not None
    assert rows[open_one].content == b"%PDF-1.7 ..."


def test_expired_never_viewed_links_lose_their_sealed_credentials(
    database: Database, customers: Customers
) -> None:
    request_id = make_request(
        database, customers.globex, RequestState.PENDING_APPROVAL, RequestKind.NEW_SIP_ACCOUNT
    )
    sealed = Credentials(domain="sip.example.net", username="k3x9q2m7ab", password="Xy7pQ2mZ9r")
    with database.session() as session:
        two_days_ago = utcnow() - timedelta(days=2)
        old = links.issue(
            session, request_id, LinkKind.CREDENTIALS, credentials=sealed, now=two_days_ago
        )
        fresh = links.issue(session, request_id, LinkKind.CREDENTIALS, credentials=sealed)
    assert sweep(database, RecordingNotifier(), POLICY, utcnow()).wiped == 1
    with database.session() as session:
        kept = {row.token_hash: row.sealed for row in session.scalars(select(OneTimeLink))}
    assert kept[links.token_hash(old)] is None
    assert kept[links.token_hash(fresh)] is not None
    with database.session() as session:
        assert links.reveal(session, fresh) == sealed  # the live link still shows its password
