"""The call-back proof: the requester presses *Call me with a code*, the number rings, whoever
answers keys in the code, and a right code proves the number as a passing bill does.

`press` decides at the click (who, which number, the limits) and claims the one call a request
may have at a time; `run_call` (the job) places it through the configured caller and says what
came of it in the request's thread. The code exists in plain text only in the requester's
ephemeral message: the database keeps a keyed hash, the job queue only the call's id.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.approvals.flow import send_to_staff
from handlers.callback import codes, rules
from handlers.callback.blocks import code_message
from handlers.callback.offer import MAX_CALLS, MAX_ENTRIES, calls_left, proof_offer
from handlers.customer_thread import tell_customer
from handlers.job_runtime import job_queue
from handlers.notify import Notifier
from handlers.services import CallBackSetup, Services
from handlers.sweeper import APPLY_JOB
from store import audit, callbacks
from store.errors import NotFound, UserFacingError
from store.models import CallBack, Request, RequestState
from store.requests import transition
from store.types import utcnow
from telephony.callback import CallOutcome, CallResult

S = RequestState
log = logging.getLogger(__name__)

CALL_JOB = "handlers.callback.jobs.place_call"
ACTOR = "system:call-back"
CODE_LIFE = timedelta(minutes=10)
NUMBER_GAP = timedelta(minutes=2)

# How a call ended, as the thread says it ({number}, {ring}).
SAID = {
    "wrong_code": ":x: {number} answered, but the code keyed in was not the right one.",
    "no_code": ":x: {number} answered, but no code was keyed in.",
    "hung_up": ":x: {number} answered, but hung up before the code was keyed in.",
    "no_answer": ":x: {number} did not answer (it rang for {ring} seconds).",
    "busy": ":x: {number} was busy.",
    "rejected": ":x: {number} rejected the call.",
    "failed": ":warning: I could not place the call to {number}: the phone line did not take it.",
    "expired": ":x: The code expired before I could call {number}.",
    "lost": ":warning: The call to {number} was cut off on our side before a code came back.",
}
_RESULT = {
    CallResult.NO_KEYS: "no_code",
    CallResult.HUNG_UP: "hung_up",
    CallResult.NO_ANSWER: "no_answer",
    CallResult.BUSY: "busy",
    CallResult.REJECTED: "rejected",
    CallResult.FAILED: "failed",
}


def press(services: Services, request_id: int, user: str, *, now: datetime | None = None) -> str:
    """The requester asks for the call: the ephemeral answer with the code, or a refusal
    (UserFacingError) that says why and, for the quiet hours, when the bot can call."""
    setup = services.callback
    if setup is None:
        raise UserFacingError("I cannot make calls here; please share a bill instead.")
    now = now or utcnow()
    # Presses of one request at once (a double click, twenty clicks) meet here first, in Redis,
    # so they do not queue on the database's connections; the unique row is the backstop.
    gate = f"{services.redis_prefix}callback:pressing:{request_id}"
    if not services.redis.set(gate, user, nx=True, ex=10):
        raise UserFacingError(
            "A call for this request is already being placed: answer it and key in the code."
        )
    try:
        return _press(services, setup, request_id, user, now)
    finally:
        services.redis.delete(gate)


def _press(
    services: Services, setup: CallBackSetup, request_id: int, user: str, now: datetime
) -> str:
    code = codes.new_code()
    try:
        with services.db.session() as session:
            decided = _claim(services, setup, session, request_id, user, code, now)
            if isinstance(decided, str):
                refusal = decided
            else:
                refusal = None
                call_id, number = decided.id, decided.number
                made = len(callbacks.calls_of_request(session, request_id))
                audit.record(
                    session,
                    request_id,
                    user,
                    "callback_requested",
                    f"call {made} of {MAX_CALLS} to {number}, from {setup.calls_from}",
                )
    except IntegrityError:
        # Another press claimed the request's call between our check and our insert.
        refusal = "A call for this request is already under way: answer it and key in the code."
    if refusal is not None:
        with services.db.session() as session:
            audit.record(session, request_id, user, "callback_refused", refusal)
        raise UserFacingError(refusal)
    job_queue(services).enqueue(CALL_JOB, call_id, job_id=f"callback-{call_id}")
    minutes = int(CODE_LIFE.total_seconds() // 60)
    return code_message(codes.grouped(code), number, setup.calls_from, minutes)


def _claim(
    services: Services,
    setup: CallBackSetup,
    session: Session,
    request_id: int,
    user: str,
    code: str,
    now: datetime,
) -> CallBack | str:
    """The new call, or the sentence that refuses it (limits first, then the claim)."""
    request = session.get(Request, request_id)
    if request is None:
        raise NotFound(f"Request #{request_id} does not exist.")
    if request.requested_by != user:
        return (
            f"Only <@{request.requested_by}>, who asked for request #{request_id}, "
            "can ask for the call."
        )
    if request.details.get("path") != "bill":
        return f"Request #{request_id} does not need a number proven."
    if request.state is not S.AWAITING_CUSTOMER:
        return f"Request #{request_id} is not waiting for proof any more."
    number = str(request.details["number"])
    customer = request.customer
    callbacks.lock_customer(session, customer.id)
    active = callbacks.active_call(session, request_id)
    if active is not None:
        if now - (active.started_at or active.created_at) < callbacks.STALE_CALL:
            return f"A call to {number} is already under way: answer it and key in the code."
        callbacks.end(session, active.id, "failed", detail="lost: its worker stopped")
        audit.record(session, request_id, ACTOR, "callback_failed", f"{number}: the call was lost")
    if calls_left(session, request_id) == 0:
        return (
            f"I have called {number} {MAX_CALLS} times for this request (or taken "
            f"{MAX_ENTRIES} codes), which is as many as I make: please share a bill."
        )
    try:
        rules.check_callable(number, customer.country, setup.countries)
    except UserFacingError as never:
        return never.message
    zones = rules.zones_of(number, customer.country, _zone(customer.timezone))
    if rules.is_quiet(now, zones, setup.quiet_hours):
        return _quiet(number, now, zones, setup.quiet_hours)
    last = callbacks.last_call_to(session, number)
    if last is not None and now - last.created_at < NUMBER_GAP:
        again = last.created_at + NUMBER_GAP
        return (
            f"I called {number} at {last.created_at:%H:%M:%S} UTC and call a number at most once "
            f"every 2 minutes: I can call it again from {again:%H:%M:%S} UTC."
        )
    zone = _zone(customer.timezone)
    day_start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    if callbacks.calls_since(session, customer.id, day_start) >= setup.daily:
        return (
            f"{customer.name} has had its {setup.daily} call-backs for today; I can call again "
            f"tomorrow (from midnight, {zone.key}). A bill works at any time."
        )
    # The number's own gate: two requests (of two customers) for one number, at once.
    gate = f"{services.redis_prefix}callback:number:{number}"
    if not services.redis.set(gate, str(request_id), nx=True, ex=int(NUMBER_GAP.total_seconds())):
        return f"A call to {number} is already under way; I can call it again in 2 minutes."
    call = CallBack(
        request_id=request_id,
        customer_id=customer.id,
        number=number,
        requested_by=user,
        code_hash=codes.code_hash(services, request_id, code),
        code_expires_at=now + CODE_LIFE,
        state=callbacks.QUEUED,
        active_for=request_id,
        created_at=now,
    )
    session.add(call)
    session.flush()
    return call


def run_call(services: Services, notifier: Notifier, call_id: int) -> str:
    """Place the call (once), and say in the thread what came of it."""
    setup = services.callback
    if setup is None:
        return "no call-back line"
    with services.db.session() as session:
        call = session.get(CallBack, call_id)
        if call is None or call.state != callbacks.QUEUED:
            return "nothing to do"
        request_id, number, expires = call.request_id, call.number, call.code_expires_at
        stored_hash = call.code_hash
        if utcnow() >= expires:
            callbacks.end(session, call_id, "expired")
            audit.record(session, request_id, ACTOR, "callback_expired", f"{number}: not called")
        elif callbacks.start(session, call_id):
            audit.record(session, request_id, ACTOR, "callback_calling", f"{number}")
        else:
            return "already placed"
    if utcnow() >= expires:
        _tell(services, notifier, request_id, "expired", number, setup)
        return "expired"
    try:
        outcome = setup.caller.call_with_code(number, codes.LENGTH)
    except Exception as broken:
        # The line itself broke (not the far end): the call ends as failed, the request is free.
        log.exception("the call-back line failed on call %s", call_id)
        outcome = CallOutcome(CallResult.FAILED, detail=f"caller error: {type(broken).__name__}")
    said = _judge(services, request_id, outcome, stored_hash, expires)
    with services.db.session() as session:
        callbacks.end(
            session,
            call_id,
            said,
            entries=1 if outcome.keys else 0,
            detail=outcome.detail,
            answered_at=outcome.answered_at,
        )
        # The keys themselves are never written down: only what they came to.
        audit.record(
            session, request_id, ACTOR, f"callback_{said}", f"{number}: {outcome.detail}"[:500]
        )
    if said == "proven":
        _proven(services, notifier, request_id, number, setup)
    else:
        _tell(services, notifier, request_id, said, number, setup)
    return said


def end_lost_call(services: Services, notifier: Notifier, call_id: int) -> str:
    """A call whose worker died while it rang: ended as lost, and the requester told they may
    ask again (the job that placed it is not re-run: the phone would ring a second time)."""
    setup = services.callback
    with services.db.session() as session:
        call = session.get(CallBack, call_id)
        if call is None or not callbacks.end_lost(session, call_id, utcnow()):
            return "nothing to do"
        request_id, number = call.request_id, call.number
        audit.record(session, request_id, ACTOR, "callback_failed", f"{number}: the call was lost")
    if setup is not None:
        _tell(services, notifier, request_id, "lost", number, setup)
    return "lost"


def _judge(
    services: Services, request_id: int, outcome: CallOutcome, stored_hash: str, expires: datetime
) -> str:
    """What the call comes to; a full code is compared in constant time against its hash."""
    if len(outcome.keys) >= codes.LENGTH:
        keyed = outcome.keys[: codes.LENGTH]
        right = codes.matches(services, request_id, keyed, stored_hash)
        return "proven" if right and utcnow() < expires else "wrong_code"
    if outcome.keys and outcome.result is CallResult.KEYED:
        return "wrong_code"  # a short code, with the line still open: not the code
    return _RESULT.get(outcome.result, "no_code")


def _proven(
    services: Services, notifier: Notifier, request_id: int, number: str, setup: CallBackSetup
) -> None:
    at = utcnow()
    moved_on = False
    with services.db.session() as session:
        request = session.get(Request, request_id)
        assert request is not None
        if request.state is S.AWAITING_CUSTOMER:
            proof = {"at": at.isoformat(), "number": number, "from": setup.calls_from}
            transition(
                session,
                request_id,
                S.PENDING_APPROVAL,
                actor=ACTOR,
                action="proven_by_callback",
                note=f"{number} answered and keyed in the right code",
                expected=S.AWAITING_CUSTOMER,
                details={**request.details, "callback_proof": proof},
            )
            if setup.applies:
                transition(
                    session,
                    request_id,
                    S.APPROVED,
                    actor=ACTOR,
                    note="proven by call-back; SIPDESK_CALLBACK_APPLIES applies it without staff",
                    expected=S.PENDING_APPROVAL,
                    decided_by=ACTOR,
                )
        else:
            moved_on = True
    text = f":white_check_mark: {number} answered and keyed in the right code: the number is yours."
    if moved_on:
        tell_customer(services, notifier, request_id, f"{text} The request had already moved on.")
        return
    if setup.applies:
        tell_customer(services, notifier, request_id, f"{text} Applying it now.")
        job_queue(services).enqueue(APPLY_JOB, request_id, job_id=f"apply-{request_id}")
        return
    tell_customer(services, notifier, request_id, f"{text} Sending it to staff.")
    send_to_staff(services, notifier, request_id)


def _tell(
    services: Services,
    notifier: Notifier,
    request_id: int,
    said: str,
    number: str,
    setup: CallBackSetup,
) -> None:
    text = SAID[said].format(number=number, ring=int(setup.caller.ring_seconds))
    with services.db.session() as session:
        left = calls_left(session, request_id)
        waiting = session.get(Request, request_id)
        still_waiting = waiting is not None and waiting.state is S.AWAITING_CUSTOMER
    if not still_waiting:
        tell_customer(services, notifier, request_id, text)
        return
    if left:
        calls = "1 more call" if left == 1 else f"{left} more calls"
        text += (
            f" You may press *Call me with a code* again ({calls} for this request) "
            "or share a bill."
        )
    else:
        text += " That was the last call-back for this request: please share a bill."
    tell_customer(services, notifier, request_id, text, proof_offer(services, request_id, text))


def _quiet(
    number: str, now: datetime, zones: list[ZoneInfo], hours: tuple[time, time] | None
) -> str:
    assert hours is not None
    zone = zones[0]
    local = now.astimezone(zone)
    when = rules.next_allowed(now, zones, hours).astimezone(zone)
    day = "today" if when.date() == local.date() else "tomorrow"
    where = f" ({zone.key})" if len(zones) == 1 else ""  # one clock for all, named when one
    return (
        f"It is {local:%H:%M} where {number} rings{where}, and I do not call between "
        f"{hours[0]:%H:%M} and {hours[1]:%H:%M} there: I can call from {when:%H:%M} {day}. "
        "A bill works at any time."
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
