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
from handlers.job_runtime import job_queue
from handlers.request_facts import load_facts
from handlers.sweeper import sweep
from store.models import OneTimeLink, RequestState
from store.types import utcnow


def approved_reset(desk: Desk) -> int:
    w = desk.world
    with_a_phone(desk)
    request_id = ask(desk, w.carol, w.globex_channel)
    click_confirm(desk, request_id, w.carol)
    desk.wait_card(request_id)
    return request_id


def links_of(desk: Desk, request_id: int) -> list[OneTimeLink]:
    with desk.runtime.db.session() as session:
        return list(
            session.scalars(
                select(OneTimeLink)
                .where(OneTimeLink.request_id == request_id)
                .order_by(OneTimeLink.id)
            )
        )


def test_slack_failing_after_the_platform_call_then_a_rerun_gives_one_password(desk: Desk):
    w = desk.world
    request_id = approved_reset(desk)
    # The first run sets a password, then cannot deliver its link (its token is lost with it).
    desk.sandbox.fail_next("chat.postEphemeral", error="fatal_error")
    desk.click(w.alice, "approval_approve", request_id)
    failed = job_queue(desk.runtime.services).rq_queue.failed_job_registry
    assert desk.sandbox.eventually(lambda: failed.get_job_ids())
    assert desk.request(request_id).state is RequestState.APPROVED  # still due: nothing lost
    assert not password_works(desk, RECEPTION, OLD_PASSWORD)  # the platform took the first one
    assert credentials_urls(desk, w.carol) == []

    # The sweeper finds it due again and the re-run finishes the job.
    assert sweep(desk.runtime.services) == 1
    desk.wait_state(request_id, "applied", 60)

    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    assert password_works(desk, RECEPTION, read_password(url))
    first, second = links_of(desk, request_id)
    assert first.sealed is None and first.expires_at <= utcnow() and first.used_at is None
    assert second.used_at is not None  # the one shown
    assert desk.request(request_id).details["attempt"] == 2
    assert len(desk.thread(request_id)) == len(set(desk.thread(request_id)))  # said once each


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


def test_a_run_killed_before_the_platform_answered_leaves_no_link_that_opens(desk: Desk):
    w = desk.world
    request_id = approved_reset(desk)
    services = desk.runtime.services
    with desk.runtime.db.session() as session:
        facts = load_facts(session, request_id)
    killed = replace(services, telephony=KilledAtThePlatform(services.telephony.sip_domain))
    with pytest.raises(Killed):
        apply_new_password(killed, NoSlack(), facts)  # type: ignore[arg-type]
    [left] = links_of(desk, request_id)
    assert left.sealed is not None  # sealed, remembered on the request, token gone

    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    assert password_works(desk, RECEPTION, read_password(url))
    first, second = links_of(desk, request_id)
    assert first.sealed is None and first.expires_at <= utcnow()
    assert second.used_at is not None
