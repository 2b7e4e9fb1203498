"""A new SIP account: the cost of the customer's plan accepted first (free plans skip it), then
staff approve, then the platform creates it with a random username."""

from __future__ import annotations

from decimal import Decimal

from handlers.approvals.flow import send_to_staff
from handlers.asker import Asker, customer_here
from handlers.customer_thread import start_thread, tell_customer
from handlers.mrkdwn import escape
from handlers.new_sip.blocks import ONE_DEVICE, accepted_blocks, cost_blocks
from handlers.notify import Notifier
from handlers.refs import RequestRef
from handlers.services import Services
from store import requests
from store.customers import plan_named, sip_account_named
from store.errors import UserFacingError
from store.models import Request, RequestKind, RequestState
from telephony.accounts import clean_label
from telephony.errors import InvalidValue

S = RequestState


def ask_new_sip(
    services: Services, notifier: Notifier, asker: Asker, label: str, *, mailbox: bool = True
) -> int:
    try:
        clean = clean_label(label)
    except InvalidValue as bad:
        raise UserFacingError(bad.sentence) from None
    if not clean:
        raise UserFacingError("Give the new SIP account a label, e.g. `/sip new Front desk`.")
    with services.db.session() as session:
        customer = customer_here(session, asker)
        if sip_account_named(session, customer.id, clean) is not None:
            raise UserFacingError(
                f"{escape(customer.name)} already has a SIP account “{escape(clean)}”."
            )
        plan = plan_named(session, customer.plan)
        cost = plan.new_sip_account if plan is not None else Decimal(0)
        cost_text = f"{cost:.2f} {plan.currency} per {plan.per}" if plan is not None else ""
        request = requests.create(
            session,
            kind=RequestKind.NEW_SIP_ACCOUNT,
            customer_id=customer.id,
            channel_id=asker.channel_id,
            requested_by=asker.user_id,
            requester_team=asker.team_id,
            state=S.AWAITING_CUSTOMER if cost > 0 else S.PENDING_APPROVAL,
            details={
                "label": clean,
                "mailbox": mailbox,
                "cost": str(cost),
                "cost_text": cost_text if cost > 0 else "",
                "path": "accept" if cost > 0 else "staff",
            },
        )
        request_id, version, plan_name = request.id, request.version, customer.plan
    start_thread(
        services,
        notifier,
        request_id,
        asker.thread_ts,
        f":inbox_tray: <@{asker.user_id}> asked for request #{request_id}: a new SIP account "
        f"“{escape(clean)}” ({'with' if mailbox else 'without'} mailbox). {ONE_DEVICE}",
    )
    if cost > 0:
        ref = RequestRef(request_id, version).encode()
        tell_customer(
            services,
            notifier,
            request_id,
            f"A new SIP account costs {cost_text}.",
            cost_blocks(ref, plan_name, cost_text),
        )
    else:
        send_to_staff(services, notifier, request_id)
    return request_id


def accept_cost(
    services: Services, notifier: Notifier, ref: RequestRef, user: str, message_ts: str | None
) -> None:
    with services.db.session() as session:
        request = session.get(Request, ref.id)
        if request is None:
            raise UserFacingError(f"Request #{ref.id} does not exist.")
        if request.requested_by != user:
            raise UserFacingError(
                f"Only <@{request.requested_by}>, who asked, can accept the cost."
            )
        requests.transition(
            session,
            ref.id,
            S.PENDING_APPROVAL,
            actor=user,
            action="cost_accepted",
            note=str(request.details.get("cost_text", "")),
            expected=S.AWAITING_CUSTOMER,
            version=ref.version,
        )
        channel, cost_text = request.channel_id, str(request.details.get("cost_text", ""))
    if message_ts is not None:
        notifier.update(
            channel, message_ts, f"Accepted: {cost_text}", accepted_blocks(cost_text, user)
        )
    send_to_staff(services, notifier, ref.id)
