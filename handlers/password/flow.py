"""A new password for a SIP account: asked for, confirmed by the asker (who sees what it means
for the device on it), then decided by `SIPDESK_PASSWORD_RESET`: staff approve on the usual card,
or (`self`) it is applied at once. Staff may also start one from the staff channel.

Every step is a transition of the request state machine; the apply job
(handlers/approvals/new_password.py) sets it on the platform and hands over the one-time link.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.approvals.flow import send_to_staff
from handlers.asker import Asker, account_named, customer_here
from handlers.customer_thread import start_thread, tell_customer
from handlers.job_runtime import job_queue
from handlers.mrkdwn import clip, escape
from handlers.notify import Notifier
from handlers.password.blocks import Device, confirm_blocks, confirmed_blocks
from handlers.refs import RequestRef
from handlers.services import Services
from handlers.status.flow import plain
from handlers.sweeper import APPLY_JOB
from store import requests
from store.errors import UserFacingError
from store.models import (
    AccountStatus,
    ChannelLink,
    ChannelRole,
    Request,
    RequestKind,
    RequestState,
    SipAccount,
)
from store.password_resets import RESETS_PER_DAY, lock_account, open_reset, resets_in_a_day

S = RequestState
_WHERE = {
    S.AWAITING_CUSTOMER: "waits for the Confirm of the person who asked",
    S.PENDING_APPROVAL: "waits for our support team",
    S.APPROVED: "is being applied",
    S.FAILED: "could not be applied yet and waits for our support team",
}
SELF_SERVICE = "system:self-service"
USAGE = "`/sip password SIP_ACCOUNT` (its username or its label)"


def device_of(account: SipAccount) -> Device:
    """The account and the device the watch last saw on it (Up: registered now)."""
    return Device(
        account.label,
        account.username,
        account.status is AccountStatus.UP,
        account.last_user_agent,
        account.last_source,
    )


def ask_password(services: Services, notifier: Notifier, asker: Asker, name: str) -> int:
    """A customer asks: the request waits for their Confirm, which the thread offers."""
    wanted = plain(name)
    if not wanted:
        raise UserFacingError(f"Name the SIP account that needs a new password: {USAGE}.")
    with services.db.session() as session:
        customer = customer_here(session, asker)
        account = account_named(session, customer, wanted)
        _may_reset(session, account, asker.user_id)
        request = requests.create(
            session,
            kind=RequestKind.PASSWORD_RESET,
            customer_id=customer.id,
            channel_id=asker.channel_id,
            requested_by=asker.user_id,
            requester_team=asker.team_id,
            sip_account_id=account.id,
            state=S.AWAITING_CUSTOMER,
            details={"path": services.password_reset},
        )
        request_id, version, device = request.id, request.version, device_of(account)
    start_thread(
        services,
        notifier,
        request_id,
        asker.thread_ts,
        f":inbox_tray: <@{asker.user_id}> asked for request #{request_id}: a new password for "
        f"{device.account}.",
    )
    ref = RequestRef(request_id, version).encode()
    staff_decide = services.password_reset != "self"
    tell_customer(
        services,
        notifier,
        request_id,
        f"A new password for {escape(device.label or device.username)}: confirm first.",
        confirm_blocks(ref, device, services.reset_grace, staff_decide),
    )
    return request_id


def confirm(
    services: Services, notifier: Notifier, ref: RequestRef, user: str, message_ts: str | None
) -> None:
    """The asker confirms: on to staff, or (policy `self`) approved for them and applied."""
    self_service = services.password_reset == "self"
    with services.db.session() as session:
        request = session.get(Request, ref.id)
        if request is None or request.kind is not RequestKind.PASSWORD_RESET:
            raise UserFacingError("That button no longer points at a request I know.")
        if request.requested_by != user:
            raise UserFacingError(f"Only <@{request.requested_by}>, who asked, can confirm.")
        if request.sip_account_id is not None:
            account = lock_account(session, request.sip_account_id)
            if account is not None:
                _under_the_limit(session, account)
        requests.transition(
            session,
            ref.id,
            S.PENDING_APPROVAL,
            actor=user,
            action="confirmed",
            expected=S.AWAITING_CUSTOMER,
            version=ref.version,
        )
        if self_service:
            requests.transition(
                session,
                ref.id,
                S.APPROVED,
                actor=SELF_SERVICE,
                note="SIPDESK_PASSWORD_RESET=self: applied for the channel's customer",
                expected=S.PENDING_APPROVAL,
                decided_by=SELF_SERVICE,
            )
        channel = request.channel_id
    if message_ts is not None:
        notifier.update(channel, message_ts, "Confirmed", confirmed_blocks(user))
    if self_service:
        job_queue(services).enqueue(APPLY_JOB, ref.id, job_id=f"apply-{ref.id}")
        tell_customer(services, notifier, ref.id, ":key: Confirmed; setting a new password now.")
    else:
        send_to_staff(services, notifier, ref.id)


def staff_offer(services: Services, name: str) -> tuple[str, Device]:
    """The staff channel's `/sip password USERNAME`: whose account, and its device now."""
    wanted = plain(name)
    if not wanted:
        raise UserFacingError(f"Name the SIP account by its username: {USAGE}.")
    with services.db.session() as session:
        account = session.scalar(select(SipAccount).where(SipAccount.username == wanted))
        if account is None:
            raise UserFacingError(f"No customer has a SIP account `{escape(clip(wanted, 64))}`.")
        return account.customer.name, device_of(account)


def staff_reset(services: Services, notifier: Notifier, username: str, actor: str) -> int:
    """Staff reset an account's password themselves (a customer's "that was not me"): decided
    by them at once, applied by the job, the link shown to them alone, the customer told."""
    with services.db.session() as session:
        account = session.scalar(select(SipAccount).where(SipAccount.username == username))
        if account is None:
            raise UserFacingError(f"No customer has a SIP account `{escape(clip(username, 64))}`.")
        _may_reset(session, account, actor)
        channel = session.scalar(
            select(ChannelLink.channel_id)
            .where(
                ChannelLink.customer_id == account.customer_id,
                ChannelLink.role == ChannelRole.CUSTOMER,
            )
            .order_by(ChannelLink.id)
            .limit(1)
        )
        request = requests.create(
            session,
            kind=RequestKind.PASSWORD_RESET,
            customer_id=account.customer_id,
            channel_id=channel or services.staff_channel or "",
            requested_by=actor,
            sip_account_id=account.id,
            state=S.PENDING_APPROVAL,
            details={"path": "staff_started", "deliver_to": services.staff_channel},
        )
        requests.transition(
            session,
            request.id,
            S.APPROVED,
            actor=actor,
            note="started by staff in the staff channel",
            expected=S.PENDING_APPROVAL,
            decided_by=actor,
        )
        request_id, device = request.id, device_of(account)
    job_queue(services).enqueue(APPLY_JOB, request_id, job_id=f"apply-{request_id}")
    if channel is not None:
        start_thread(
            services,
            notifier,
            request_id,
            None,
            f":key: Our support team is setting a new password for {device.account} "
            f"(request #{request_id}); the device on it stops working until it is given the "
            "new password.",
        )
    return request_id


def _may_reset(session: Session, account: SipAccount, actor: str) -> None:
    """One reset under way per account, and at most three a day. One nobody confirmed yet is
    cancelled by the new ask, so an abandoned Confirm never blocks the account."""
    lock_account(session, account.id)
    busy = open_reset(session, account.id)
    if busy is not None and busy.state is S.AWAITING_CUSTOMER:
        requests.transition(
            session,
            busy.id,
            S.CANCELLED,
            actor=actor,
            action="superseded",
            note="asked again before it was confirmed",
            expected=S.AWAITING_CUSTOMER,
        )
        busy = None
    if busy is not None:
        raise UserFacingError(
            f"Request #{busy.id} for a new password of “{escape(account.label or account.username)}"
            f"” is already under way: it {_WHERE.get(busy.state, 'is open')}."
        )
    _under_the_limit(session, account)


def _under_the_limit(session: Session, account: SipAccount) -> None:
    if resets_in_a_day(session, account.id) >= RESETS_PER_DAY:
        raise UserFacingError(
            f"“{escape(account.label or account.username)}” already had {RESETS_PER_DAY} new "
            "passwords in the last 24 hours, the most we set in a day. Our support team can "
            "help in this channel if a device still cannot register."
        )
