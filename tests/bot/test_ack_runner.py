"""The answer leaves the moment a listener acks, while the listener goes on; work after an ack
gives way to requests still waiting for theirs; a listener that fails is an apology, not a 500."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from running import RunningBot

from bot.ack_runner import AckPriority, ElasticExecutor, ListenerStopped, stop_listeners


def test_the_answer_leaves_at_ack_while_the_listener_is_still_working(running_bot: RunningBot):
    release, finished = threading.Event(), threading.Event()

    def slow(ack: Any, respond: Any) -> None:
        ack(text="on it")
        release.wait(10)
        respond(text="done", response_type="ephemeral")
        finished.set()

    running_bot.runtime.registry.subcommand("/sip", "slowpoke", slow)
    w = running_bot.world
    answer = running_bot.slack.slash_command(
        "/sip", "slowpoke", user=w.carol, channel=w.globex_channel
    )
    assert answer.status_code == 200 and answer.text == "on it"
    assert not finished.is_set()  # answered while the listener was still held
    release.set()
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert said[0].body["text"] == "done"


def test_a_listener_that_fails_before_its_ack_gets_an_apology_not_a_500(running_bot: RunningBot):
    def broken(ack: Any) -> None:
        raise RuntimeError("boom")

    running_bot.runtime.registry.subcommand("/sip", "broken", broken)
    w = running_bot.world
    answer = running_bot.slack.slash_command(
        "/sip", "broken", user=w.carol, channel=w.globex_channel
    )
    assert answer.status_code == 200
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert said[0].body["text"].startswith(":warning: Sorry, something went wrong")
    assert "boom" not in said[0].body["text"] and "Traceback" not in said[0].body["text"]


def test_work_after_an_ack_waits_while_a_request_is_dispatched():
    priority = AckPriority(quiet=0.0, max_wait=10.0)
    started = threading.Event()

    def after_ack() -> None:
        priority.take_turn()
        started.set()
        priority.end_turn()

    with priority.dispatching():
        worker = threading.Thread(target=after_ack)
        worker.start()
        assert _eventually(lambda: priority.parked == 1)  # held back while the request is in
        assert not started.is_set()
    assert started.wait(5)
    worker.join(5)


def test_work_after_an_ack_waits_no_longer_than_its_limit():
    priority = AckPriority(quiet=0.0, max_wait=0.2)
    with priority.dispatching():
        began = time.monotonic()
        priority.take_turn()
        waited = time.monotonic() - began
        priority.end_turn()
    assert 0.15 <= waited < 2


def test_parked_work_goes_oldest_first_and_a_slot_at_a_time():
    priority = AckPriority(quiet=0.0, max_wait=10.0, slots=1)
    order: list[int] = []
    gate = threading.Event()

    def after_ack(n: int) -> None:
        priority.take_turn()
        order.append(n)
        if n == 0:
            gate.wait(5)  # the first holds the only slot until told
        priority.end_turn()

    workers = [threading.Thread(target=after_ack, args=(n,)) for n in range(3)]
    with priority.dispatching():
        for n, worker in enumerate(workers):
            worker.start()
            assert _eventually(lambda n=n: priority.parked == n + 1)  # parked in a known order
    assert _eventually(lambda: order == [0])
    assert priority.parked == 2  # the others wait for the slot
    gate.set()
    for worker in workers:
        worker.join(5)
    assert order == [0, 1, 2]


def _eventually(probe: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():
            return True
        time.sleep(0.01)
    return probe()


def test_a_listener_finds_a_thread_however_many_are_busy_after_their_ack():
    executor = ElasticExecutor(idle_seconds=0.1)
    held = threading.Event()
    busy = [executor.submit(held.wait, 10) for _ in range(600)]
    assert executor.submit(lambda: "acked").result(timeout=5) == "acked"
    held.set()
    assert all(f.result(timeout=10) for f in busy)


def test_idle_listener_threads_are_reused_then_end():
    executor = ElasticExecutor(idle_seconds=0.3, name="elastic-under-test")
    first = executor.submit(threading.current_thread).result(timeout=5)
    assert _eventually(lambda: executor.idle == 1)
    assert executor.submit(threading.current_thread).result(timeout=5) is first
    assert _eventually(lambda: not first.is_alive() and executor.idle == 0)


def test_a_closed_priority_stops_parked_work_and_gives_no_more_turns():
    priority = AckPriority(quiet=0.0, max_wait=10.0)
    outcome: list[str] = []

    def after_ack() -> None:
        try:
            priority.take_turn()
            outcome.append("went on")
        except ListenerStopped:
            outcome.append("stopped")

    with priority.dispatching():
        worker = threading.Thread(target=after_ack)
        worker.start()
        assert _eventually(lambda: priority.parked == 1)
        priority.close()
        worker.join(5)
    assert outcome == ["stopped"] and priority.parked == 0
    with pytest.raises(ListenerStopped):
        priority.take_turn()


def test_a_shut_executor_cancels_what_has_not_started_and_waits_briefly_for_the_rest():
    executor = ElasticExecutor(idle_seconds=0.1)
    held = threading.Event()
    running = executor.submit(held.wait, 10)
    assert _eventually(running.running)
    began = time.monotonic()
    executor.shutdown(wait=True, cancel_futures=True, timeout=0.2)
    assert 0.15 <= time.monotonic() - began < 2  # waited for the running one, briefly
    with pytest.raises(RuntimeError):
        executor.submit(lambda: None)
    held.set()
    assert running.result(timeout=5) is True


def test_a_listener_of_a_closed_runtime_goes_quiet(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    working, release, ended = threading.Event(), threading.Event(), threading.Event()

    def lingering(ack: Any, respond: Any) -> None:
        ack(text="on it")
        working.set()  # past its turn: at work when the runtime closes
        try:
            release.wait(10)
            respond(text="too late", response_type="ephemeral")
            raise RuntimeError("its sandbox is gone")
        finally:
            ended.set()

    running_bot.runtime.registry.subcommand("/sip", "linger", lingering)
    w = running_bot.world
    answer = running_bot.slack.slash_command(
        "/sip", "linger", user=w.carol, channel=w.globex_channel
    )
    assert answer.text == "on it" and working.wait(5)
    with caplog.at_level(logging.WARNING):
        stop_listeners(running_bot.runtime.app, grace=0.1)  # what Runtime.close() does first
        release.set()
        assert ended.wait(5)
    assert "listener failed" not in caplog.text and "its sandbox is gone" not in caplog.text
    with pytest.raises(RuntimeError):  # nothing new starts either
        running_bot.runtime.app.listener_runner.listener_executor.submit(lambda: None)


def test_spare_threads_are_kept_ready_so_a_burst_does_not_start_them_in_the_request():
    executor = ElasticExecutor(idle_seconds=5, name="elastic-spares", spare=3)
    held = threading.Event()
    busy = [executor.submit(held.wait, 10) for _ in range(5)]

    def threads() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "elastic-spares"}

    # A spare is counted idle a moment before its thread starts: wait for all eight to exist.
    assert _eventually(lambda: executor.idle == 3 and len(threads()) == 8)
    before = threads()
    assert executor.submit(threading.current_thread).result(timeout=5) in before
    held.set()
    assert all(f.result(timeout=10) for f in busy)
    executor.shutdown()
