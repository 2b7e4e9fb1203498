"""The call-back job: its only argument is the call's id (never the code); it reloads the rest."""

from __future__ import annotations

from handlers.callback.flow import end_lost_call, run_call
from handlers.job_runtime import current


def place_call(call_id: int) -> str:
    tools = current()
    return run_call(tools.services, tools.notifier, call_id)


def end_lost(call_id: int) -> str:
    tools = current()
    return end_lost_call(tools.services, tools.notifier, call_id)
