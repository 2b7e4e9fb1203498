"""Applying a new password again after it broke off half way gives one password, one live link
that shows it, and one message: the password is sealed into its link before the platform hears
of it, and a re-run revokes the link whose token died with the run that made it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from desk import Desk
from sqlalchemy import select
from test_password import (
    OLD_PASSWORD,
    RECEPTION,
    ask,
    click_confirm,
    credentials_urls,
    password_works,
    read_password,
    with_a_phone,
)

from handlers.approvals.new_password import apply_new_password
from handlers.request_facts import load_facts
from handlers.sweeper import sweep
from store.models import OneTimeLink, RequestState, Silence
from store.requests import transition
from store.types import utcnow


def approved_reset(desk: Desk) -> int:
    w = desk.world
    with_a_phone(desk)
    request_id = ask(desk, w.carol, w.globex_channel)
    click_confirm(desk, request_id, w.carol)
    desk.wait_card(request_id)
    return request_id


def approved_and_died(
    desk: Desk, request_id: int, notifier: object, telephony: object | None = None
) -> None:
    """Approved by alice, and the apply's first run killed where its doubles say."""
    with desk.runtime.db.session() as session:
        transition(
            session, request_id, RequestState.APPROVED, actor=desk.world.alice,
            expected=RequestState.PENDING_APPROVAL, decided_by=desk.world.alice,
        )  # fmt: skip
        facts = load_facts(session, request_id)
    services = desk.runtime.services
    if telephony is not None:
        services = replace(services, telephony=telephony)  # type: ignore[arg-type]
    with pytest.raises(Killed):
        apply_new_password(services, notifier, facts)  # type: ignore[arg-type]


def links_of(desk: Desk, request_id: int) -> list[OneTimeLink]:
    with desk.runtime.db.session() as session:
        return list(
            session.scalars(
                select(OneTimeLink)
                .where(OneTimeLink.request_id == request_id)
                .order_by(OneTimeLink.id)
            )
        )


class Killed(BaseException):
    """kill -9 in the middle of a run: no handler of ours runs."""


class KilledAtThePlatform:
    def __init__(self, sip_domain: str) -> None:
        self.sip_domain = sip_domain

    def set_password(self, username: str, password: str) -> None:
        raise Killed


class NoSlack:
    def ephemeral(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a killed run sends nothing")


class KilledAtTheMessage:
    def ephemeral(self, *args: object, **kwargs: object) -> None:
        raise Killed


def test_a_run_killed_before_the_platform_answered_leaves_no_link_that_opens(desk: Desk):
    w = desk.world
    request_id = approved_reset(desk)
    domain = desk.runtime.services.telephony.sip_domain
    approved_and_died(desk, request_id, NoSlack(), KilledAtThePlatform(domain))
    [left] = links_of(desk, request_id)
    assert left.sealed is not None  # sealed, counted on the request, its token gone

    assert sweep(desk.runtime.services) == 1  # still approved: the sweeper runs it again
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    assert password_works(desk, RECEPTION, read_password(url))
    first, second = links_of(desk, request_id)
    assert first.sealed is None and first.expires_at <= utcnow()
    assert second.used_at is not None


def test_a_run_killed_after_the_platform_call_then_a_rerun_gives_one_password(desk: Desk):
    w = desk.world
    request_id = approved_reset(desk)
    approved_and_died(desk, request_id, KilledAtTheMessage())  # the platform took it, no link
    assert not password_works(desk, RECEPTION, OLD_PASSWORD)
    assert credentials_urls(desk, w.carol) == []

    assert sweep(desk.runtime.services) == 1
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    assert password_works(desk, RECEPTION, read_password(url))
    first, second = links_of(desk, request_id)
    assert first.sealed is None and first.expires_at <= utcnow() and first.used_at is None
    assert second.used_at is not None
    assert desk.request(request_id).details["attempt"] == 2
    with desk.runtime.db.session() as session:
        holds = session.scalars(select(Silence).where(Silence.until > utcnow())).all()
    assert len(holds) == 1  # the re-run's hold replaced the killed run's


def test_slack_refusing_the_link_fails_the_request_for_a_retry_not_a_loop(desk: Desk):
    w = desk.world
    request_id = approved_reset(desk)
    desk.sandbox.fail_next("chat.postEphemeral", error="user_not_in_channel")
    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "failed", 60)
    [link] = links_of(desk, request_id)
    assert link.sealed is None  # withdrawn: nobody can be given it
    said = desk.wait_thread(request_id, "could not be applied yet")
    assert any("user_not_in_channel" in t and "withdrawn" in t for t in said)
    assert sweep(desk.runtime.services) == 0  # failed is not due: no new password every sweep

    desk.sandbox.eventually(lambda: "Retry" in str(desk.card(request_id).get("blocks")))
    desk.click(w.bob, "approval_retry", request_id)
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    assert password_works(desk, RECEPTION, read_password(url))
