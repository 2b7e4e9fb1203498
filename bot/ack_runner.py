"""Answer Slack the moment a listener calls ack(), not at Bolt's next 10 ms poll.

With `process_before_response=False` Bolt runs the listener in its thread pool and the request
thread checks every 10 ms whether ack() was called, so even an app that only acks answers in
about 12 ms. Here ack() sets an event the request thread is waiting on: the answer leaves within
the request as soon as the listener acks, and the listener carries on in the pool afterwards.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner

log = logging.getLogger(__name__)

# Listeners keep working after their ack (a Slack call, a database read); enough threads that
# such work never holds up the ack of the next request.
LISTENER_THREADS = 32


class SignallingAck(Ack):
    """An Ack that tells whoever waits on `answered` that the response is ready."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.answered = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        self.answered.set()
        return response


class AckFirstRunner(ThreadListenerRunner):
    """Bolt's thread runner, with the wait for ack() on an event instead of a polling loop."""

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
        self.listener_executor.submit(self._run_listener, request, response, listener, ack)
        if not ack.answered.wait(timeout=listener.ack_timeout):
            log.warning("%s did not call ack() within %s s", listener_name, listener.ack_timeout)
            return None
        return ack.response

    def _run_listener(
        self, request: BoltRequest, response: BoltResponse, listener: Listener, ack: SignallingAck
    ) -> None:
        try:
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)
        except Exception as error:
            # The error handler tells the person in a sentence; Slack then gets a plain 200
            # rather than a 500 it would show as "dispatch_failed".
            self.listener_error_handler.handle(error=error, request=request, response=response)
            if ack.response is None:
                ack.response = BoltResponse(status=200, body="")
        finally:
            self.listener_completion_handler.handle(request=request, response=response)
            ack.answered.set()  # a listener that ended without ack() releases the request too


def listener_executor() -> Executor:
    return ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="sipdesk-listener")


def answer_on_ack(app: App) -> None:
    """Swap the app's listener runner for one that answers as soon as ack() is called."""
    current = app.listener_runner
    app._listener_runner = AckFirstRunner(
        logger=current.logger,
        process_before_response=current.process_before_response,
        listener_error_handler=current.listener_error_handler,
        listener_start_handler=current.listener_start_handler,
        listener_completion_handler=current.listener_completion_handler,
        listener_executor=current.listener_executor,
        lazy_listener_runner=current.lazy_listener_runner,
    )
