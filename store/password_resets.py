"""New passwords for SIP accounts: the daily limit, one open request per account, the link a
reset's apply decided, and the hold of the Down alerts that a reset makes expected."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import Request, RequestKind, RequestState, Silence, SipAccount
from store.requests import OPEN
from store.types import utcnow

RESETS_PER_DAY = 3
DAY = timedelta(days=1)
# A reset counts once it is decided (approved, applied, or failed and waiting for a retry).
_COUNTED = (RequestState.APPROVED, RequestState.APPLIED, RequestState.FAILED)
HOLD_ACTOR = "system:password-reset"


def open_reset(session: Session, sip_account_id: int) -> Request | None:
    """The account's password reset that is still under way, if any."""
    return session.scalar(
        select(Request)
        .where(
            Request.kind == RequestKind.PASSWORD_RESET,
            Request.sip_account_id == sip_account_id,
            Request.state.in_(tuple(OPEN)),
        )
        .order_by(Request.id)
        .limit(1)
    )


def resets_in_a_day(session: Session, sip_account_id: int, now: datetime | None = None) -> int:
    """How many resets of the account were decided in the 24 hours before `now`."""
    since = (now or utcnow()) - DAY
    return int(
        session.scalar(
            select(func.count())
            .select_from(Request)
            .where(
                Request.kind == RequestKind.PASSWORD_RESET,
                Request.sip_account_id == sip_account_id,
                Request.state.in_(_COUNTED),
                Request.updated_at > since,
            )
        )
        or 0
    )


def lock_account(session: Session, sip_account_id: int) -> SipAccount | None:
    """The account's row, locked until the session ends: two asks at once are taken in turn."""
    return session.scalar(
        select(SipAccount).where(SipAccount.id == sip_account_id).with_for_update()
    )


def hold_down_alerts(
    session: Session, sip_account_id: int, grace: timedelta, now: datetime | None = None
) -> None:
    """Mute the account's Down alerts for `grace`, or until it registers again if sooner."""
    at = now or utcnow()
    account = session.get(SipAccount, sip_account_id)
    if account is None or grace <= timedelta(0):
        return
    # A re-run of the apply replaces its own earlier hold rather than adding a second one.
    end_holds(session, [sip_account_id], at)
    session.add(
        Silence(
            customer_id=account.customer_id,
            sip_account_id=sip_account_id,
            until=at + grace,
            reason="a new password was set; the device is Down until it is given it",
            created_by=HOLD_ACTOR,
            created_at=at,
            until_registered=True,
        )
    )
    session.flush()


def end_holds(session: Session, sip_account_ids: list[int], now: datetime) -> None:
    """The accounts registered again: the holds waiting for that end now."""
    if not sip_account_ids:
        return
    session.execute(
        update(Silence)
        .where(
            Silence.sip_account_id.in_(sip_account_ids),
            Silence.until_registered.is_(True),
            Silence.until > now,
            Silence.created_at <= now,
        )
        .values(until=now)
        .execution_options(synchronize_session=False)
    )
