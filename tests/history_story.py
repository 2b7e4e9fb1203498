"""A short past for the example customers' accounts, written through the request state machine
as the flows write it: what `/sip history` and `sipdesk audit` read back."""

from __future__ import annotations

from sqlalchemy import select

from store import requests as steps
from store.db import Database
from store.models import Evidence, RequestKind, RequestState, SipAccount

S = RequestState


def write_history(db: Database, *, carol: str, alice: str, bob: str, dave: str) -> list[int]:
    """Three requests on Globex's Reception desk (k3x9q2m7ab), one on Initech's r2d5v7x9qk:
    a self-service number, a number proven by a bill and approved, a VoIP caller ID rejected,
    and Initech's new SIP account; request ids in that order."""
    ids: list[int] = []
    with db.session() as session:
        reception = session.scalars(select(SipAccount).where(SipAccount.username == "k3x9q2m7ab"))
        account = reception.one()
        globex, account_id = account.customer_id, account.id
        warehouse = session.scalars(
            select(SipAccount).where(SipAccount.username == "r2d5v7x9qk")
        ).one()

        own = steps.create(
            session, kind=RequestKind.PSTN_CALLER_ID, customer_id=globex, channel_id="C1",
            requested_by=carol, state=S.PENDING_APPROVAL, sip_account_id=account_id,
            details={"number": "+35312345679", "old": "+35312345678", "path": "self_service"},
        )  # fmt: skip
        steps.transition(session, own.id, S.APPROVED, actor="system:self-service")
        steps.transition(session, own.id, S.APPLIED, actor="system:apply")
        ids.append(own.id)

        billed = steps.create(
            session, kind=RequestKind.PSTN_CALLER_ID, customer_id=globex, channel_id="C1",
            requested_by=carol, sip_account_id=account_id,
            details={"number": "+35317654321", "old": "+35312345679", "path": "bill"},
        )  # fmt: skip
        session.add(
            Evidence(request_id=billed.id, slack_file_id="F1", filename="bill.pdf", verdict="pass")
        )
        steps.transition(session, billed.id, S.CHECKING_EVIDENCE, actor=carol)
        steps.transition(session, billed.id, S.PENDING_APPROVAL, actor="system:bill-check")
        steps.transition(session, billed.id, S.APPROVED, actor=alice, decided_by=alice)
        steps.transition(session, billed.id, S.APPLIED, actor="system:apply")
        ids.append(billed.id)

        voip = steps.create(
            session, kind=RequestKind.VOIP_CALLER_ID, customer_id=globex, channel_id="C1",
            requested_by=carol, state=S.PENDING_APPROVAL, sip_account_id=account_id,
            details={"name": "Front", "number": "200", "old_name": "Reception",
                     "old_number": "100"},
        )  # fmt: skip
        steps.transition(
            session, voip.id, S.REJECTED, actor=bob, decided_by=bob,
            note="200 is the fax line", decision_note="200 is the fax line",
        )  # fmt: skip
        ids.append(voip.id)

        new = steps.create(
            session, kind=RequestKind.NEW_SIP_ACCOUNT, customer_id=warehouse.customer_id,
            channel_id="C2", requested_by=dave, state=S.PENDING_APPROVAL,
            sip_account_id=warehouse.id,
            # what must never come out: a password someone put where it does not belong
            details={"label": "Loading bay", "mailbox": True, "password": "hunter2-secret",
                     "link": "https://desk.example.com/links/creds/tok3n"},
        )  # fmt: skip
        steps.transition(session, new.id, S.APPROVED, actor=alice, decided_by=alice)
        ids.append(new.id)
    return ids
