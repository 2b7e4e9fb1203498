"""`/sip help` and `/callerid help`: what the bot can do, answered only to the person who asked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from handlers.help.blocks import help_blocks, help_text
from handlers.registry import Registry
from handlers.services import Services

_HELP_WORDS = {"", "help", "?", "-h", "--help"}


def answer_help(ack: Ack, command: dict[str, Any]) -> None:
    name = command["command"]
    word = (command.get("text") or "").strip().split(" ", 1)[0].lower()
    unknown = None if word in _HELP_WORDS else word
    ack(text=help_text(name), blocks=help_blocks(name, unknown), response_type="ephemeral")


def register(registry: Registry, services: Services) -> None:
    for command in ("/sip", "/callerid"):
        registry.fallback(command, answer_help)
