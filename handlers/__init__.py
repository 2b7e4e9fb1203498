"""Use cases, one package each (listeners, flow, blocks, jobs), each with `register()`."""

from __future__ import annotations

from handlers import (
    approvals,
    callback,
    caller_id,
    digests,
    help,
    history,
    home,
    housekeeping,
    links,
    mentions,
    menu,
    new_sip,
    onboarding,
    password,
    status,
    watch,
)
from handlers.registry import Registry
from handlers.services import Services

# help first: /callerid's own fallback hands help words on to it. mentions last: it routes
# to what the others registered.
USE_CASES = (
    help,
    home,
    status,
    history,
    caller_id,
    callback,
    new_sip,
    approvals,
    menu,
    links,
    password,
    watch,
    digests,
    housekeeping,
    onboarding,
    mentions,
)


def register_all(registry: Registry, services: Services) -> None:
    for use_case in USE_CASES:
        use_case.register(registry, services)
