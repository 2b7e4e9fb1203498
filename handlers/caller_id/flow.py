"""Caller-ID requests: which path an ask takes, and the first steps along it.

- PSTN, a domestic number on the account, or anonymous: self-service, applied at once.
- PSTN, an international number on the account: staff approve.
- PSTN, a number not on the account: a bill in the request's thread, checked, then staff.
- VoIP caller ID: staff approve.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.approvals.flow import send_to_staff
from handlers.asker import Asker, ChannelNotLinked, account_named, customer_here
from handlers.callback.offer import proof_offer
from handlers.caller_id.grammar import Ask, PstnAsk, VoipAsk, parse_callerid, parse_plain
from handlers.caller_id.numbers import canonical, country_of, is_anonymous
from handlers.customer_thread import start_thread
from handlers.job_runtime import job_queue
from handlers.mrkdwn import escape
from handlers.notify import Notifier
from handlers.request_facts import load_facts, pstn_value, voip_value
from handlers.services import Services
from handlers.sweeper import APPLY_JOB
from store import requests
from store.channels import customer_for_channel
from store.errors import UserFacingError
from store.models import Customer, PhoneNumber, RequestKind, RequestState, SipAccount
from telephony.caller_ids import voip_name, voip_number
from telephony.errors import InvalidValue

S = RequestState
SELF_SERVICE = "system:self-service"
BILL_ASK = (
    ":page_facing_up: {number} is not a number on your account, so we need proof that it is "
    "yours: please share a current phone bill (PDF, or a photo of it) *in this thread*. A good "
    "bill shows your company's name ({holder}), {number} as a line on the account, and a date "
    "within the last 90 days."
)


def understand(
    services: Services, channel_id: str, text: str, *, plain: bool = False
) -> Ask | None:
    """The ask in `text`, read against the SIP accounts of the channel's customer."""
    with services.db.session() as session:
        # Only to read the words: the ask itself passes customer_here with its asker.
        customer = customer_for_channel(session, channel_id)
        if customer is None:
            raise ChannelNotLinked()
        names = {a.username for a in customer.sip_accounts}
        names |= {" ".join(a.label.lower().split()) for a in customer.sip_accounts if a.label}

    def is_account(name: str) -> bool:
        return name in names or " ".join(name.lower().split()) in names

    return parse_plain(text, is_account) if plain else parse_callerid(text, is_account)


def ask_pstn(services: Services, notifier: Notifier, asker: Asker, ask: PstnAsk) -> int:
    with services.db.session() as session:
        customer = customer_here(session, asker)
        account = account_named(session, customer, ask.account)
        number = None if is_anonymous(ask.value) else canonical(ask.value, customer.country)
        if number == account.pstn_caller_id and (number is not None or account.pstn_anonymous):
            raise UserFacingError(
                f"{_name(account)} already shows {pstn_value(number)}; nothing to change."
            )
        path = _pstn_path(session, customer, number)
        request = requests.create(
            session,
            kind=RequestKind.PSTN_CALLER_ID,
            customer_id=customer.id,
            channel_id=asker.channel_id,
            requested_by=asker.user_id,
            requester_team=asker.team_id,
            sip_account_id=account.id,
            state=S.AWAITING_CUSTOMER if path == "bill" else S.PENDING_APPROVAL,
            details={"number": number, "old": _pstn_now(account), "path": path},
        )
        if path == "self_service":
            requests.transition(
                session,
                request.id,
                S.APPROVED,
                actor=SELF_SERVICE,
                note="a domestic number on the account, or anonymous: no approval needed",
                expected=S.PENDING_APPROVAL,
                decided_by=SELF_SERVICE,
            )
        request_id, holder = request.id, customer.holder_name
    _received(services, notifier, asker, request_id)
    if path == "self_service":
        job_queue(services).enqueue(APPLY_JOB, request_id, job_id=f"apply-{request_id}")
    elif path == "bill":
        assert number is not None
        text = BILL_ASK.format(number=number, holder=escape(holder))
        blocks = proof_offer(services, request_id, text)
        start_thread(services, notifier, request_id, asker.thread_ts, text, blocks)
    else:
        send_to_staff(services, notifier, request_id)
    return request_id


def ask_voip(services: Services, notifier: Notifier, asker: Asker, ask: VoipAsk) -> int:
    try:
        name = voip_name(ask.name)
        number = None if ask.number is None else voip_number(ask.number)
    except InvalidValue as bad:
        raise UserFacingError(bad.sentence) from None
    with services.db.session() as session:
        customer = customer_here(session, asker)
        account = account_named(session, customer, ask.account)
        if (name, number) == (account.voip_caller_id_name, account.voip_caller_id_number):
            raise UserFacingError(
                f"{_name(account)} already shows {voip_value(name, number)}; nothing to change."
            )
        request = requests.create(
            session,
            kind=RequestKind.VOIP_CALLER_ID,
            customer_id=customer.id,
            channel_id=asker.channel_id,
            requested_by=asker.user_id,
            requester_team=asker.team_id,
            sip_account_id=account.id,
            state=S.PENDING_APPROVAL,
            details={
                "name": name,
                "number": number,
                "old_name": account.voip_caller_id_name,
                "old_number": account.voip_caller_id_number,
                "path": "staff",
            },
        )
        request_id = request.id
    _received(services, notifier, asker, request_id)
    send_to_staff(services, notifier, request_id)
    return request_id


def _received(services: Services, notifier: Notifier, asker: Asker, request_id: int) -> None:
    with services.db.session() as session:
        facts = load_facts(session, request_id)
    start_thread(
        services,
        notifier,
        request_id,
        asker.thread_ts,
        f":inbox_tray: <@{asker.user_id}> asked for {escape(facts.summary())}. "
        "I will keep this thread posted.",
    )


def _pstn_path(session: Session, customer: Customer, number: str | None) -> str:
    if number is None:
        return "self_service"
    owner = session.scalar(select(PhoneNumber.customer_id).where(PhoneNumber.e164 == number))
    if owner != customer.id:
        return "bill"
    return "self_service" if country_of(number) == customer.country else "international"


def _pstn_now(account: SipAccount) -> str:
    if account.pstn_caller_id:
        return account.pstn_caller_id
    return "anonymous" if account.pstn_anonymous else "platform default"


def _name(account: SipAccount) -> str:
    return f"{account.label or account.username} (`{account.username}`)"
