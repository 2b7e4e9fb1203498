"""views.*: modals opened from a trigger_id, pushed, updated by hash, and Home tabs."""

from __future__ import annotations

import time
from typing import Any

from slack_sandbox.api_common import ApiError, Args, Method, find_user, invalid_arguments
from slack_sandbox.shapes import view_json
from slack_sandbox.world import View, World

MAX_STACK = 3
MAX_VIEW_BLOCKS = 100


def _plain_text_within(value: Any, limit: int, pointer: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or value.get("type") != "plain_text":
        problems.append(f"[ERROR] must be a plain_text object [json-pointer:{pointer}]")
    elif len(str(value.get("text", ""))) > limit:
        problems.append(
            f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}/text]"
        )


def check_view(payload: Any, *, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The view-payload rules Slack enforces that a bot most often trips over."""
    if not isinstance(payload, dict):
        raise invalid_arguments("[ERROR] missing required field: view")
    problems: list[str] = []
    if payload.get("type") not in kinds:
        problems.append(f"[ERROR] must be one of {', '.join(kinds)} [json-pointer:/view/type]")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > MAX_VIEW_BLOCKS:
        problems.append("[ERROR] blocks must be a list of at most 100 [json-pointer:/view/blocks]")
        blocks = []
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(block_ids) != len(set(block_ids)):
        problems.append("[ERROR] block_id must be unique [json-pointer:/view/blocks]")
    if any(not isinstance(b, dict) or "type" not in b for b in blocks):
        problems.append("[ERROR] every block needs a type [json-pointer:/view/blocks]")
    if payload.get("type") == "modal":
        _plain_text_within(payload.get("title"), 24, "/view/title", problems)
        if payload.get("submit") is not None:
            _plain_text_within(payload.get("submit"), 24, "/view/submit", problems)
        elif any(isinstance(b, dict) and b.get("type") == "input" for b in blocks):
            problems.append("[ERROR] a modal with input blocks needs submit [json-pointer:/view]")
    if len(str(payload.get("private_metadata", ""))) > 3000:
        problems.append(
            "[ERROR] must be at most 3000 characters [json-pointer:/view/private_metadata]"
        )
    if len(str(payload.get("callback_id", ""))) > 255:
        problems.append("[ERROR] must be at most 255 characters [json-pointer:/view/callback_id]")
    if problems:
        raise invalid_arguments(*problems)
    return payload


def exchange_trigger(world: World, trigger_id: str) -> str:
    """The person a trigger_id was issued for; each one is good once, for a short while."""
    if trigger_id in world.exchanged_triggers:
        raise ApiError("exchanged_trigger_id")
    issued = world.triggers.get(trigger_id)
    if issued is None or time.monotonic() - issued[1] > world.trigger_ttl:
        raise ApiError("invalid_trigger_id")
    world.exchanged_triggers.add(trigger_id)
    return issued[0]


def _new_view(world: World, user: str, payload: dict[str, Any], root: str | None) -> View:
    view_id = world.new_id("V")
    view = View(
        id=view_id,
        user=user,
        payload=payload,
        hash=world.new_hash(),
        root_view_id=root or view_id,
    )
    world.views[view_id] = view
    if payload.get("type") == "modal":
        world.last_modal[user] = view_id
    return view


def views_open(world: World, args: Args) -> dict[str, Any]:
    payload = check_view(args.structured("view"), kinds=("modal",))
    user = exchange_trigger(world, args.text("trigger_id"))
    view = _new_view(world, user, payload, None)
    world.modal_stacks[user] = [view.id]
    return {"view": view_json(world, view)}


def views_push(world: World, args: Args) -> dict[str, Any]:
    payload = check_view(args.structured("view"), kinds=("modal",))
    user = exchange_trigger(world, args.text("trigger_id"))
    stack = world.modal_stacks.get(user, [])
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    view = _new_view(world, user, payload, stack[0])
    view.previous_view_id = stack[-1]
    stack.append(view.id)
    return {"view": view_json(world, view)}


def _find_view(world: World, args: Args) -> View:
    view_id = args.optional_text("view_id")
    external_id = args.optional_text("external_id")
    if view_id is None and external_id is None:
        raise invalid_arguments("[ERROR] view_id or external_id is required")
    for view in world.views.values():
        if view.closed:
            continue
        if view.id == view_id or (external_id and view.payload.get("external_id") == external_id):
            return view
    raise ApiError("not_found")


def views_update(world: World, args: Args) -> dict[str, Any]:
    payload = check_view(args.structured("view"), kinds=("modal", "home"))
    view = _find_view(world, args)
    expected = args.optional_text("hash")
    if expected is not None and expected != view.hash:
        raise ApiError("hash_conflict")
    view.payload = payload
    view.hash = world.new_hash()
    if payload.get("type") == "modal":
        world.last_modal[view.user] = view.id
    return {"view": view_json(world, view)}


def views_publish(world: World, args: Args) -> dict[str, Any]:
    payload = check_view(args.structured("view"), kinds=("home",))
    user = find_user(world, args.text("user_id"))
    current = world.views.get(world.homes.get(user.id, ""))
    expected = args.optional_text("hash")
    if current is None:
        current = _new_view(world, user.id, payload, None)
        world.homes[user.id] = current.id
    elif expected is not None and expected != current.hash:
        raise ApiError("hash_conflict")
    else:
        current.payload = payload
        current.hash = world.new_hash()
    return {"view": view_json(world, current)}


def settle_submission(world: World, view_id: str, values: dict[str, Any], ack: Any) -> None:
    """What Slack does with a modal after the app acknowledged its submission."""
    view = world.views.get(view_id)
    if view is None or view.closed:
        return
    view.state_values = values
    stack = world.modal_stacks.get(view.user, [])
    action = ack.get("response_action") if isinstance(ack, dict) else None
    if action == "errors":
        view.errors = dict(ack.get("errors") or {})
    elif action == "update":
        view.payload = check_view(ack.get("view"), kinds=("modal",))
        view.hash = world.new_hash()
        view.errors = {}
        world.last_modal[view.user] = view.id
    elif action == "push" and len(stack) < MAX_STACK:
        payload = check_view(ack.get("view"), kinds=("modal",))
        pushed = _new_view(world, view.user, payload, stack[0] if stack else view.id)
        pushed.previous_view_id = view.id
        stack.append(pushed.id)
    else:
        # An empty ack closes the submitted view; "clear" closes the whole stack
        closing = list(stack) if action == "clear" else [view.id]
        for closed_id in closing:
            world.views[closed_id].closed = True
            if closed_id in stack:
                stack.remove(closed_id)


METHODS: dict[str, tuple[Method, str | None]] = {
    "views.open": (views_open, None),
    "views.push": (views_push, None),
    "views.update": (views_update, None),
    "views.publish": (views_publish, None),
}
