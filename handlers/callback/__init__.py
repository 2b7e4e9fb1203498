"""Use case: prove a claimed number by answering a call-back and keying in a code."""

from __future__ import annotations

from handlers.registry import Registry
from handlers.services import Services


def register(registry: Registry, services: Services) -> None:
    # Imported here: the approval card and the bill requests import this package's blocks and
    # offer, and the flow imports theirs.
    from handlers.callback.listeners import register as register_listeners

    register_listeners(registry, services)
