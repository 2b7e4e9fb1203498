"""Block Kit as the demo prints it: text lines, buttons as `[ Label ]`, indented under a header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Element = dict[str, Any]
ButtonLabel = Callable[[Element, dict[str, Any]], str]  # (button, its block) -> shown label


def plain_button(button: Element, _block: dict[str, Any]) -> str:
    return f"[ {button.get('text', {}).get('text', '')} ]"


def render_blocks(blocks: list[dict[str, Any]], button: ButtonLabel = plain_button) -> str:
    """The blocks as lines of text, the way a person reads them in Slack."""
    lines: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            lines.append(str(text.get("text", "")))
        for field in block.get("fields", []):
            if isinstance(field, dict):
                lines.append(str(field.get("text", "")))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") == "button":
            lines.append(button(accessory, block))
        shown = [
            line
            for element in block.get("elements", [])
            if (line := _element(element, block, button)) is not None
        ]
        if shown:
            lines.append("  ".join(shown) if block.get("type") == "actions" else "\n".join(shown))
    return "\n".join(lines)


def _element(element: Element, block: dict[str, Any], button: ButtonLabel) -> str | None:
    kind = element.get("type")
    if kind == "button":
        return button(element, block)
    if kind in ("external_select", "static_select"):
        return f"[ {element.get('placeholder', {}).get('text', 'Choose')} ▾ ]"
    if kind in ("mrkdwn", "plain_text"):
        return str(element.get("text"))
    return None


def render_message(message: dict[str, Any], button: ButtonLabel = plain_button) -> str:
    return render_blocks(message.get("blocks") or [], button) or str(message.get("text", ""))


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()) + "\n"
