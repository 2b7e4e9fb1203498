"""An apply that dies or fails at any step and is run again ends where one run ends: one SIP
account, one "Applied" in the thread, the requester holding a link to the account's password.

The desk's worker is stopped, so the test runs each job itself (`run_burst`) and the sweeper
re-queues what is due, as `sipdesk worker` does. A crash is an exception raised at that line:
nothing after it runs and the open database transaction rolls back, as when a process dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from desk import Desk
from desk_world import REPO
from test_approvals import ask_international
from test_new_sip import _password_from_the_credentials_page

from handlers.approvals import jobs
from handlers.job_runtime import job_queue
from handlers.sweeper import sweep
from store import run_lock
from store.keys import leader_key
from store.models import RequestState

LABEL = "Loading bay"


class Crash(Exception):
    """A process dying at this line."""


@pytest.fixture(params=["postgres", "sqlite"])
def any_desk(request: pytest.FixtureRequest) -> Iterator[Desk]:
    yield request.getfixturevalue("desk" if request.param == "postgres" else "sqlite_desk")


def crash_once(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *, after: bool = False
) -> list[int]:
    """`owner.name` dies on its first call, before it does anything or once it has done it."""
    real: Callable[..., Any] = getattr(owner, name)
    calls: list[int] = []

    def dying(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1 and not after:
            raise Crash(f"killed before {name}")
        result = real(*args, **kwargs)
        if len(calls) == 1:
            raise Crash(f"killed after {name}")
        return result

    monkeypatch.setattr(owner, name, dying)
    return calls


def approved_new_sip(desk: Desk) -> int:
    """Dave (a free plan) asks for a new SIP account and Alice approves; no job has run yet."""
    w = desk.world
    desk.worker.stop()
    desk.slack.slash_command("/sip", f"new {LABEL}", user=w.dave, channel=w.initech_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_card(request_id)
    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_thread(request_id, "applying it now")
    # The job is queued right after the customer is told.
    queue = job_queue(desk.runtime.services)
    assert desk.sandbox.eventually(lambda: queue.pending_ids() == [f"apply-{request_id}"])
    return request_id


def run_until_told(desk: Desk, request_id: int) -> int:
    """Run the jobs, sweeping as the worker does, until the thread heard "Applied"; how many
    runs it took."""
    queue = job_queue(desk.runtime.services)
    for run in range(1, 6):
        queue.run_burst()
        if desk.request(request_id).applied_told_at is not None:
            return run
        sweep(desk.runtime.services)
    raise AssertionError(f"request #{request_id} never got to the end: {desk.trail(request_id)}")


def assert_one_account_one_message(desk: Desk, request_id: int, *, open_link: bool = True) -> None:
    w = desk.world
    request = desk.request(request_id)
    assert request.state is RequestState.APPLIED
    platform = desk.runtime.services.telephony
    made = [a for a in platform.sip_accounts("INITECH-042") if a.label == LABEL]
    assert [a.username for a in made] == [request.details["username"]]
    assert [step[1] for step in desk.trail(request_id)].count("applied") == 1
    assert len([t for t in desk.thread(request_id) if "Applied" in t]) == 1
    # The requester holds one link, and it shows the account's password.
    assert len(desk.sandbox.ephemerals(user=w.dave)) == 1
    if not open_link:
        return
    password = _password_from_the_credentials_page(desk, w.dave)
    assert platform.check_password(made[0].username, password)


NEW_SIP_STEPS = {
    "choosing the username": lambda m, desk: crash_once(m, jobs, "remember_details"),
    "before the platform call": lambda m, desk: crash_once(
        m, desk.runtime.services.telephony, "ensure_sip_account"
    ),
    "after the platform call": lambda m, desk: crash_once(
        m, desk.runtime.services.telephony, "ensure_sip_account", after=True
    ),
    "before the applied transition": lambda m, desk: crash_once(m, jobs, "transition"),
    "inside the applied transaction": lambda m, desk: crash_once(m, jobs, "link_for"),
    "after the applied transition": lambda m, desk: crash_once(m, jobs, "_follow_up"),
    "before the link is shown": lambda m, desk: crash_once(m, jobs, "show_link"),
    "before the thread is told": lambda m, desk: crash_once(m, jobs, "tell_customer"),
    # Slack has "Applied" in the thread; the worker dies before recording it.
    "after the thread is told": lambda m, desk: crash_once(m, jobs, "remember_applied_told"),
    "Slack fails the ephemeral once": lambda m, desk: desk.sandbox.fail_next(
        "chat.postEphemeral", error="internal_error"
    ),
    "Slack fails the card update once": lambda m, desk: desk.sandbox.fail_next(
        "chat.update", error="internal_error"
    ),
    "Slack fails the thread message once": lambda m, desk: desk.sandbox.fail_next(
        "chat.postMessage", error="internal_error"
    ),
}


@pytest.mark.parametrize("step", list(NEW_SIP_STEPS))
def test_a_new_sip_apply_killed_at_any_step_and_run_again_makes_one_account(
    any_desk: Desk, monkeypatch: pytest.MonkeyPatch, step: str
):
    desk = any_desk
    request_id = approved_new_sip(desk)
    NEW_SIP_STEPS[step](monkeypatch, desk)

    runs = run_until_told(desk, request_id)

    assert runs == 2, f"the step {step!r} did not fail the first run"
    assert_one_account_one_message(desk, request_id)


def test_an_apply_that_runs_to_the_end_is_one_run(desk: Desk):
    request_id = approved_new_sip(desk)
    assert run_until_told(desk, request_id) == 1
    assert_one_account_one_message(desk, request_id)
    # A stale copy of the job finds nothing owed.
    job_queue(desk.runtime.services).enqueue(
        "handlers.approvals.jobs.apply_request", request_id, job_id=f"apply-{request_id}"
    )
    job_queue(desk.runtime.services).run_burst()
    assert_one_account_one_message(desk, request_id, open_link=False)


CALLER_ID_STEPS = {
    "after the platform call": lambda m, desk: crash_once(
        m, desk.runtime.services.telephony, "set_pstn_caller_id", after=True
    ),
    "before the applied transition": lambda m, desk: crash_once(m, jobs, "transition"),
    "before the thread is told": lambda m, desk: crash_once(m, jobs, "tell_customer"),
    # Slack has "Applied" in the thread; the worker dies before recording it.
    "after the thread is told": lambda m, desk: crash_once(m, jobs, "remember_applied_told"),
    "Slack fails the thread message once": lambda m, desk: desk.sandbox.fail_next(
        "chat.postMessage", error="internal_error"
    ),
}


@pytest.mark.parametrize("step", list(CALLER_ID_STEPS))
def test_a_caller_id_apply_killed_at_any_step_is_set_once_and_told_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, step: str
):
    desk.worker.stop()
    request_id = ask_international(desk)
    desk.click(desk.world.alice, "approval_approve", request_id)
    desk.wait_thread(request_id, "applying it now")
    platform = desk.runtime.services.telephony
    sets = (
        crash_once(monkeypatch, platform, "set_pstn_caller_id", after=True)
        if (step == "after the platform call")
        else None
    )
    if sets is None:
        CALLER_ID_STEPS[step](monkeypatch, desk)
        sets = []
        real = platform.set_pstn_caller_id

        def counted(*args: Any, **kwargs: Any) -> Any:
            sets.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(platform, "set_pstn_caller_id", counted)

    assert run_until_told(desk, request_id) == 2

    assert platform.sip_account("k3x9q2m7ab").pstn_caller_id == "+442079460123"
    assert len(sets) == 1  # "set if not already": the re-run found it set
    assert [step[1] for step in desk.trail(request_id)].count("applied") == 1
    assert len([t for t in desk.thread(request_id) if "Applied" in t]) == 1


# Loaded by the worker process below (PYTHONPATH): it dies by SIGKILL right after the platform
# made the account, before anything else of the job runs, its transaction or lock released.
DIE_AFTER_THE_PLATFORM_CALL = """
import os, signal
from telephony.builtin import BuiltinPlatform

_real = BuiltinPlatform.ensure_sip_account

def _made_then_killed(self, *args, **kwargs):
    _real(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

BuiltinPlatform.ensure_sip_account = _made_then_killed
"""


def test_a_sipdesk_worker_killed_9_after_the_platform_call_leaves_one_account_to_finish(
    desk: Desk, tmp_path: Path
):
    request_id = approved_new_sip(desk)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(DIE_AFTER_THE_PLATFORM_CALL)
    settings = desk.runtime.settings
    env = {
        **os.environ,
        "PYTHONPATH": str(hook),
        "SLACK_BOT_TOKEN": desk.sandbox.bot_token,
        "SLACK_SIGNING_SECRET": desk.sandbox.signing_secret,
        "SLACK_API_URL": desk.sandbox.api_url,
        "DATABASE_URL": desk.runtime.db.url,
        "REDIS_URL": settings.redis_url,
        "SIPDESK_REDIS_PREFIX": settings.redis_prefix,
        "SIPDESK_START_REDIS": "false",
        "SIPDESK_STAFF_CHANNEL": desk.world.staff_channel,
        "SIPDESK_HOME": str(tmp_path / "worker"),
        "SIPDESK_METRICS_ADDR": "127.0.0.1:0",  # another sipdesk may hold the default port
    }
    worker = subprocess.run(
        [str(Path(sys.executable).parent / "sipdesk"), "worker"],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == -signal.SIGKILL, worker.stdout.decode()[-2000:]
    # What the dead worker left: the account made, its username on the request, nothing else.
    request = desk.request(request_id)
    assert request.state is RequestState.APPROVED
    made = [
        a for a in desk.runtime.services.telephony.sip_accounts("INITECH-042") if a.label == LABEL
    ]
    assert [a.username for a in made] == [request.details["username"]]

    # Its run lock outlives it only briefly: nobody renews it, and it lapses within 20 s (RQ's
    # "started" mark is the worker heartbeat's job). Not waited out here: the re-run is tested.
    lock = leader_key(desk.runtime.services.redis_prefix, f"applying:{request_id}")
    assert 0 < desk.runtime.services.redis.pttl(lock) <= run_lock.DEFAULT_TTL_MS
    desk.runtime.services.redis.delete(lock)
    assert jobs.apply_request(request_id) == "applied"
    assert_one_account_one_message(desk, request_id)
