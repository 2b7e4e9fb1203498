"""The request state machine: legal steps, refusals with a sentence, an audit row for each step,
and exactly one winner when many race the same step."""

from __future__ import annotations

import threading

import pytest
from world import make_customer

from store import requests
from store.db import Database
from store.errors import NotFound, TransitionRefused
from store.models import Request, RequestKind, RequestState

S = RequestState


def _new_request(database: Database, state: RequestState = S.PENDING_APPROVAL) -> int:
    with database.session() as session:
        customer = make_customer(session)
        request = requests.create(
            session,
            kind=RequestKind.PSTN_CALLER_ID,
            customer_id=customer.id,
            channel_id="C0SHARED",
            requested_by="UEXT1",
            state=state,
            details={"number": "+442071234567"},
        )
        return request.id


def test_a_request_is_born_with_an_audit_row(database: Database):
    request_id = _new_request(database, S.AWAITING_CUSTOMER)
    with database.session() as session:
        trail = requests.audit_trail(session, request_id)
    assert [(a.actor, a.action, a.from_state, a.to_state) for a in trail] == [
        ("UEXT1", "created", None, "awaiting_customer")
    ]


def test_staff_approve_and_the_platform_applies_each_step_audited(database: Database):
    request_id = _new_request(database)
    with database.session() as session:
        approved = requests.transition(
            session,
            request_id,
            S.APPROVED,
            actor="USTAFF",
            expected=S.PENDING_APPROVAL,
            decided_by="USTAFF",
            decision_note="bill checks out",
        )
        assert approved.state is S.APPROVED
        assert approved.version == 2
        assert approved.decided_by == "USTAFF"
    with database.session() as session:
        requests.transition(session, request_id, S.APPLIED, actor="system:apply")
    with database.session() as session:
        trail = requests.audit_trail(session, request_id)
        final = session.get(Request, request_id)
        assert final is not None and final.state is S.APPLIED and final.version == 3
    assert [(a.actor, a.from_state, a.to_state) for a in trail][1:] == [
        ("USTAFF", "pending_approval", "approved"),
        ("system:apply", "approved", "applied"),
    ]
    assert trail[1].note is None and all(a.at is not None for a in trail)


def test_a_second_click_on_approve_is_refused_and_says_why(database: Database):
    request_id = _new_request(database)
    with database.session() as session:
        requests.transition(
            session, request_id, S.APPROVED, actor="USTAFF1", expected=S.PENDING_APPROVAL
        )
    with pytest.raises(TransitionRefused) as refused, database.session() as session:
        requests.transition(
            session, request_id, S.APPROVED, actor="USTAFF2", expected=S.PENDING_APPROVAL
        )
    assert (
        refused.value.message == f"Request #{request_id} was already approved; nothing more to do."
    )
    with database.session() as session:
        assert len(requests.audit_trail(session, request_id)) == 2


def test_a_reject_after_an_approve_is_refused_without_a_trace(database: Database):
    request_id = _new_request(database)
    with database.session() as session:
        requests.transition(session, request_id, S.APPROVED, actor="USTAFF1")
    with pytest.raises(TransitionRefused) as refused, database.session() as session:
        requests.transition(
            session, request_id, S.REJECTED, actor="USTAFF2", expected=S.PENDING_APPROVAL
        )
    assert "was already approved, so it cannot be rejected now" in refused.value.message
    with database.session() as session:
        request = session.get(Request, request_id)
        assert request is not None and request.state is S.APPROVED


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.AWAITING_CUSTOMER, S.APPLIED), (S.PENDING_APPROVAL, S.APPLIED), (S.APPROVED, S.REJECTED)],
)
def test_illegal_steps_are_refused(database: Database, start: RequestState, target: RequestState):
    request_id = _new_request(database, S.PENDING_APPROVAL if start is S.APPROVED else start)
    if start is S.APPROVED:
        with database.session() as session:
            requests.transition(session, request_id, S.APPROVED, actor="USTAFF")
    with pytest.raises(TransitionRefused), database.session() as session:
        requests.transition(session, request_id, target, actor="USTAFF")
    with database.session() as session:
        request = session.get(Request, request_id)
        assert request is not None and request.state is start


def test_terminal_states_allow_nothing_further():
    for state in requests.TERMINAL:
        assert not any(requests.is_allowed(state, target) for target in RequestState)
    assert {S.APPLIED, S.REJECTED, S.CANCELLED, S.EXPIRED} == requests.TERMINAL


def test_an_unknown_request_is_a_clear_not_found(database: Database):
    with pytest.raises(NotFound, match="Request #999 does not exist"), database.session() as s:
        requests.transition(s, 999, S.APPROVED, actor="USTAFF")


def test_a_transition_cannot_smuggle_other_columns(database: Database):
    request_id = _new_request(database)
    with pytest.raises(ValueError), database.session() as session:
        requests.transition(session, request_id, S.APPROVED, actor="U", customer_id=42)


@pytest.mark.postgres
def test_ten_threads_racing_the_same_approval_yield_exactly_one_winner(pg_database: Database):
    request_id = _new_request(pg_database)
    barrier = threading.Barrier(10)
    winners: list[str] = []
    refusals: list[str] = []
    errors: list[BaseException] = []

    def click(actor: str) -> None:
        try:
            with pg_database.session() as session:
                requests._state_and_version(session, request_id)  # all saw pending_approval
                barrier.wait()
                requests.transition(
                    session,
                    request_id,
                    S.APPROVED,
                    actor=actor,
                    expected=S.PENDING_APPROVAL,
                    decided_by=actor,
                )
            winners.append(actor)
        except TransitionRefused as refused:
            refusals.append(refused.message)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=click, args=(f"USTAFF{i}",)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(winners) == 1
    assert len(refusals) == 9
    with pg_database.session() as session:
        request = session.get(Request, request_id)
        trail = requests.audit_trail(session, request_id)
    assert request is not None and request.state is S.APPROVED and request.version == 2
    assert request.decided_by == winners[0]
    assert [a.actor for a in trail if a.to_state == "approved"] == winners


def test_a_stale_card_cannot_decide_a_request_that_moved_on(database: Database):
    request_id = _new_request(database, S.AWAITING_CUSTOMER)
    with database.session() as session:
        # The card was drawn at version 1; the request then went back and forth with the bill.
        requests.transition(session, request_id, S.CHECKING_EVIDENCE, actor="system:check")
        requests.transition(session, request_id, S.PENDING_APPROVAL, actor="system:check")
    with database.session() as session, pytest.raises(TransitionRefused) as refused:
        requests.transition(session, request_id, S.APPROVED, actor="USTAFF", version=1)
    assert "changed since this was shown to you" in refused.value.message
    with database.session() as session:
        approved = requests.transition(session, request_id, S.APPROVED, actor="USTAFF", version=3)
    assert approved.version == 4


def test_approve_reject_and_cancel_race_on_one_version_and_the_audit_tells_the_truth(
    pg_database: Database,
):
    request_id = _new_request(pg_database)
    moves = {"USTAFF1": S.APPROVED, "USTAFF2": S.REJECTED, "UEXT1": S.CANCELLED}
    barrier = threading.Barrier(len(moves))
    winners: list[tuple[str, RequestState]] = []
    refusals: list[str] = []
    errors: list[BaseException] = []

    def decide(actor: str, target: RequestState) -> None:
        try:
            with pg_database.session() as session:
                barrier.wait()
                requests.transition(session, request_id, target, actor=actor, version=1)
            winners.append((actor, target))
        except TransitionRefused as refused:
            refusals.append(refused.message)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=decide, args=move) for move in moves.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(winners) == 1 and len(refusals) == 2
    (actor, target) = winners[0]
    with pg_database.session() as session:
        request = session.get(Request, request_id)
        trail = requests.audit_trail(session, request_id)
    assert request is not None and request.state is target and request.version == 2
    decided = [(a.actor, a.from_state, a.to_state) for a in trail if a.action != "created"]
    assert decided == [(actor, "pending_approval", target.value)]
