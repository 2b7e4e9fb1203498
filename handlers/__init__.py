"""Use cases, one package each (listeners, flow, blocks, jobs), each with `register()`."""

from __future__ import annotations

from handlers import help, home, links
from handlers.registry import Registry
from handlers.services import Services

USE_CASES = (help, home, links)


def register_all(registry: Registry, services: Services) -> None:
    for use_case in USE_CASES:
        use_case.register(registry, services)
