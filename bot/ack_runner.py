"""Answer Slack the moment a listener calls ack(), not at Bolt's next 10 ms poll.

With `process_before_response=False` Bolt runs the listener in its thread pool and the request
thread checks every 10 ms whether ack() was called, so even an app that only acks answers in
about 12 ms. Here ack() sets an event the request thread is waiting on: the answer leaves within
the request as soon as the listener acks, and the listener carries on in the pool afterwards.

What a listener does after its ack yields to requests still waiting for theirs (Slack gives an
ack 3 seconds, a follow-up message much longer): it starts once no request has been dispatched
for AFTER_ACK_QUIET, or AFTER_ACK_MAX_WAIT after its ack at the latest, a few at a time, so a
burst of clicks is answered first and worked through right after.
"""

from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner

from store import metrics

log = logging.getLogger(__name__)

# Listeners keep working after their ack (a Slack call, a database read); enough threads that
# such work never holds up the ack of the next request.
LISTENER_IDLE_SECONDS = 60.0  # a listener thread with nothing to do for this long ends
SPARE_LISTENER_THREADS = 16  # idle threads kept ready, so an ack never waits for one to start
AFTER_ACK_QUIET = 0.010  # seconds without a request before work after an ack starts
AFTER_ACK_MAX_WAIT = 1.0  # ...or this long after its ack at the latest
AFTER_ACK_SLOTS = 8  # listeners working after their ack at once, once quiet
MAX_PARKED = 1000  # beyond this many, work after an ack goes on at once
COORDINATOR_IDLE = 5.0  # seconds with nothing parked before the coordinating thread ends
STOP_GRACE = 2.0  # seconds a closing runtime waits for listeners already at work


class ListenerStopped(Exception):
    """The runtime closed while this listener waited for its turn: it must not go on."""


class AckPriority:
    """Requests waiting for an ack go first; work after an ack waits its turn.

    Parked listeners wait on an event of their own; one coordinating thread lets them go, oldest
    first, when the server is quiet, so a request ending wakes one thread, not every parked one.
    """

    def __init__(
        self,
        quiet: float = AFTER_ACK_QUIET,
        max_wait: float = AFTER_ACK_MAX_WAIT,
        slots: int = AFTER_ACK_SLOTS,
        max_parked: int = MAX_PARKED,
    ) -> None:
        self._quiet, self._max_wait = quiet, max_wait
        self._slots, self._max_parked = slots, max_parked
        self._changed = threading.Condition()  # only the coordinator waits on it
        self._parked: deque[threading.Event] = deque()
        self._dispatching = self._working = 0
        self._last_request = 0.0
        self._coordinator: threading.Thread | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        with self._changed:
            return self._closed

    def close(self) -> None:
        """No listener takes a turn any more; the parked ones are woken to stop."""
        with self._changed:
            self._closed = True
            while self._parked:
                self._parked.popleft().set()
            self._changed.notify_all()

    @property
    def parked(self) -> int:
        """How many listeners are waiting to go on after their ack."""
        with self._changed:
            return len(self._parked)

    @contextmanager
    def dispatching(self) -> Iterator[None]:
        with self._changed:
            self._dispatching += 1
        try:
            yield
        finally:
            with self._changed:
                self._dispatching -= 1
                self._last_request = time.monotonic()
                if not self._dispatching and self._parked:
                    self._changed.notify()

    def take_turn(self) -> None:
        """Wait until the server has been quiet a moment and a slot is free (bounded)."""
        turn = threading.Event()
        with self._changed:
            if self._closed:
                raise ListenerStopped
            if len(self._parked) >= self._max_parked:
                self._working += 1
                return
            self._parked.append(turn)
            self._start_coordinator()
            self._changed.notify()
        let_go = turn.wait(self._max_wait)
        with self._changed:
            if self._closed:
                raise ListenerStopped  # no turns any more: what it counted no longer matters
            if let_go:
                return  # the coordinator counted this listener as working
            try:
                self._parked.remove(turn)
            except ValueError:
                return  # let go just as the wait ran out: already counted
            self._working += 1

    def end_turn(self) -> None:
        with self._changed:
            self._working -= 1
            if self._parked:
                self._changed.notify()

    def _start_coordinator(self) -> None:
        if self._coordinator is None:
            self._coordinator = threading.Thread(
                target=self._coordinate, name="sipdesk-after-ack", daemon=True
            )
            self._coordinator.start()

    def _coordinate(self) -> None:
        with self._changed:
            while True:
                pause = self._pause()
                if self._closed:
                    self._coordinator = None
                    return
                if pause == 0:
                    self._working += 1
                    self._parked.popleft().set()
                elif self._parked:
                    self._changed.wait(timeout=pause)
                elif not self._changed.wait(timeout=COORDINATOR_IDLE) and not self._parked:
                    self._coordinator = None  # started again by the next parked listener
                    return

    def _pause(self) -> float | None:
        """0 when the oldest parked listener may go; else how long to wait (None: until told)."""
        if not self._parked or self._dispatching or self._working >= self._slots:
            return None
        quiet_left = self._last_request + self._quiet - time.monotonic()
        return quiet_left if quiet_left > 0 else 0


class SignallingAck(Ack):
    """An Ack that tells whoever waits on `answered` that the response is ready; the listener
    then goes on only when `after_answer` lets it."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.answered = threading.Event()
        self.after_answer: Callable[[], None] | None = None
        self.turn_taken = False

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        first = not self.answered.is_set()
        response = super().__call__(*args, **kwargs)
        self.answered.set()
        if first and self.after_answer is not None:
            self.after_answer()
        return response


class AckFirstRunner(ThreadListenerRunner):
    """Bolt's thread runner, with the wait for ack() on an event instead of a polling loop."""

    priority = AckPriority()

    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        if self.process_before_response or request.lazy_only or listener.lazy_functions:
            return super().run(request, response, listener_name, listener, starting_time)
        ack = SignallingAck()
        request.context["ack"] = ack
        if listener.auto_acknowledgement:
            ack()  # events: Slack only needs to hear that the delivery arrived
        ack.after_answer = lambda: self._take_turn(ack)
        self.listener_executor.submit(self._run_listener, request, response, listener, ack)
        if not ack.answered.wait(timeout=listener.ack_timeout):
            log.warning("%s did not call ack() within %s s", listener_name, listener.ack_timeout)
            return None
        return ack.response

    def _run_listener(
        self, request: BoltRequest, response: BoltResponse, listener: Listener, ack: SignallingAck
    ) -> None:
        try:
            if ack.answered.is_set():  # acked already (events): all that is left is the work
                self._take_turn(ack)
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)
        except ListenerStopped:
            log.debug("a listener of a closed runtime stopped before its work after the ack")
        except Exception as error:
            if self.priority.closed:
                # Its runtime is gone (Slack, database closed under it): nobody to tell.
                log.debug("a listener ended after its runtime closed: %s", type(error).__name__)
            else:
                # The error handler tells the person in a sentence; Slack then gets a plain 200
                # rather than a 500 it would show as "dispatch_failed".
                self.listener_error_handler.handle(error=error, request=request, response=response)
            if ack.response is None:
                ack.response = BoltResponse(status=200, body="")
        finally:
            self.listener_completion_handler.handle(request=request, response=response)
            ack.answered.set()  # a listener that ended without ack() releases the request too
            if ack.turn_taken:
                self.priority.end_turn()

    def _take_turn(self, ack: SignallingAck) -> None:
        self.priority.take_turn()
        ack.turn_taken = True


class ElasticExecutor(Executor):
    """Runs each listener on an idle thread, or on a new one when none is idle: a request never
    waits for a thread to ack in, however many listeners are still busy after their ack (parked
    here, or waiting on a channel's pace). Threads idle for `idle_seconds` end.

    With `spare`, once every thread was busy at a submit, a thread of its own keeps that many idle
    threads ready: starting a thread waits until it runs, and in a burst (every earlier listener
    parked after its ack) that wait for the GIL was the slowest part of an ack."""

    def __init__(
        self,
        idle_seconds: float = LISTENER_IDLE_SECONDS,
        name: str = "sipdesk-listener",
        *,
        spare: int = 0,
    ) -> None:
        self._idle_seconds, self._name, self._spare = idle_seconds, name, spare
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting for a task, less the tasks already handed to them
        self._closed = False
        self._futures: set[Future[Any]] = set()  # submitted and not yet done
        self._short = threading.Event()  # fewer idle threads than `spare`
        self._spawner: threading.Thread | None = None
        self._started = self._busy_seen = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def task() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:
                future.set_exception(error)
            finally:
                with self._lock:
                    self._futures.discard(future)

        with self._lock:
            if self._closed:
                raise RuntimeError("the listener executor is shut down")
            self._futures.add(future)
            handed = self._idle > 0
            if handed:
                self._idle -= 1
                self._tasks.put(task)
            # Spares from the first time every thread was busy on: a quiet app (a test's) keeps
            # no more threads than it uses.
            self._busy_seen = self._busy_seen or (not handed and self._started)
            self._started = self._started or not handed
            if self._spare and self._busy_seen and self._idle < self._spare:
                self._wake_spawner()
        if not handed:
            self._start(task)
        return future

    @property
    def idle(self) -> int:
        """Threads waiting for a listener to run."""
        with self._lock:
            return self._idle

    def shutdown(
        self, wait: bool = True, *, cancel_futures: bool = False, timeout: float | None = None
    ) -> None:
        """No more listeners; cancel_futures drops those not started, wait waits for the others
        (up to `timeout`). Idle threads end when their wait runs out."""
        with self._lock:
            self._closed = True  # idle threads end when their wait runs out
            futures = list(self._futures)
        self._short.set()
        if cancel_futures:
            for future in futures:
                future.cancel()  # only one not yet running is cancelled
        if wait:
            _, running = concurrent.futures.wait(futures, timeout=timeout)
            if running:
                log.warning("%d listeners still at work after closing", len(running))

    def _start(self, task: Callable[[], None] | None) -> None:
        threading.Thread(target=self._work, args=(task,), name=self._name, daemon=True).start()

    def _wake_spawner(self) -> None:  # holding the lock
        if self._spawner is None:
            self._spawner = threading.Thread(
                target=self._keep_spares, name=f"{self._name}-spawner", daemon=True
            )
            self._spawner.start()
        self._short.set()

    def _keep_spares(self) -> None:
        while True:
            self._short.wait()
            self._short.clear()
            while True:
                with self._lock:
                    if self._closed:
                        return
                    if self._idle >= self._spare:
                        break
                    self._idle += 1  # counted now: the new thread's first step is to wait
                self._start(None)

    def _work(self, task: Callable[[], None] | None) -> None:
        while True:
            if task is not None:
                task()
                with self._lock:
                    self._idle += 1
            try:
                task = self._tasks.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    try:
                        task = self._tasks.get_nowait()  # handed over just as the wait ran out
                    except queue.Empty:
                        self._idle -= 1
                        return


def listener_executor() -> Executor:
    return ElasticExecutor(spare=SPARE_LISTENER_THREADS)


def stop_listeners(app: App, grace: float = STOP_GRACE) -> None:
    """The app's listeners end with its runtime: none not yet started runs, none parked after
    its ack goes on, and those at work get `grace` seconds to finish."""
    runner = app.listener_runner
    if isinstance(runner, AckFirstRunner):
        runner.priority.close()
    executor = runner.listener_executor
    if isinstance(executor, ElasticExecutor):
        executor.shutdown(wait=True, cancel_futures=True, timeout=grace)
    else:
        executor.shutdown(wait=False, cancel_futures=True)


def answer_on_ack(app: App) -> None:
    """Swap the app's listener runner for one that answers as soon as ack() is called, and
    count the requests being dispatched so work after an ack can give way to them."""
    current = app.listener_runner
    runner = AckFirstRunner(
        logger=current.logger,
        process_before_response=current.process_before_response,
        listener_error_handler=current.listener_error_handler,
        listener_start_handler=current.listener_start_handler,
        listener_completion_handler=current.listener_completion_handler,
        listener_executor=current.listener_executor,
        lazy_listener_runner=current.lazy_listener_runner,
    )
    runner.priority = AckPriority()
    app._listener_runner = runner
    dispatch = app.dispatch

    def counted(req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        with runner.priority.dispatching():
            response = dispatch(req)
        # dispatch() returns as the answer leaves: at ack(), the listener's work goes on after.
        metrics.ack_answered(time.perf_counter() - started)
        return response

    app.dispatch = counted  # type: ignore[method-assign]


def after_ack_priority(app: App) -> AckPriority | None:
    """The app's queue for work after an ack, for other work of the process to wait in."""
    runner = app.listener_runner
    return runner.priority if isinstance(runner, AckFirstRunner) else None
