"""Slack sends a click for a URL button too: ack it, or the person sees a warning sign."""

from __future__ import annotations

from slack_bolt import Ack

from handlers.links.blocks import OPEN_CREDENTIALS_PAGE, OPEN_UPLOAD_PAGE
from handlers.registry import Registry
from handlers.services import Services


def register(registry: Registry, services: Services) -> None:
    def opened(ack: Ack) -> None:
        ack()  # the browser opens the page; nothing to do here

    registry.action(OPEN_UPLOAD_PAGE, opened)
    registry.action(OPEN_CREDENTIALS_PAGE, opened)
