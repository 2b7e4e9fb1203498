"""Arguments arrive as JSON, as a form (JSON fields as text) or as a query string, like Slack."""

from __future__ import annotations

import json

import httpx
from slack_sdk import WebClient

from slack_sandbox import DemoWorld, SlackSandbox

BLOCKS = [{"type": "section", "text": {"type": "plain_text", "text": "Down: sip-4411"}}]


def bearer(sandbox: SlackSandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.bot_token}"}


def test_webclient_sends_messages_as_json_and_look_ups_as_a_form(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    client.chat_postMessage(channel=world.staff_channel, text="x")
    client.users_info(user=world.carol)
    assert [c.wire for c in sandbox.calls] == ["json", "form"]


def test_a_form_body_carries_blocks_as_json_text_and_the_token_as_a_field(
    sandbox: SlackSandbox, world: DemoWorld
):
    answer = httpx.post(
        sandbox.api_url + "chat.postMessage",
        data={
            "token": sandbox.bot_token,
            "channel": world.staff_channel,
            "text": "Down",
            "blocks": json.dumps(BLOCKS),
        },
    ).json()
    assert answer["ok"] is True
    assert sandbox.messages(world.staff_channel)[0]["blocks"] == BLOCKS
    [call] = sandbox.calls
    assert call.wire == "form"
    assert "token" not in call.args


def test_a_query_string_works_for_a_get(sandbox: SlackSandbox, world: DemoWorld):
    answer = httpx.get(
        sandbox.api_url + "conversations.info",
        params={"channel": world.initech_channel, "token": sandbox.bot_token},
    ).json()
    assert answer["channel"]["name"] == "initech-voip"
    assert sandbox.calls[0].wire == "query"


def test_a_json_body_with_the_token_in_the_header(sandbox: SlackSandbox, world: DemoWorld):
    answer = httpx.post(
        sandbox.api_url + "chat.postMessage",
        json={"channel": world.staff_channel, "blocks": BLOCKS},
        headers=bearer(sandbox),
    ).json()
    assert answer["ok"] is True
    assert sandbox.calls[0].wire == "json"


def test_a_json_body_cannot_carry_the_token_itself(sandbox: SlackSandbox, world: DemoWorld):
    answer = httpx.post(
        sandbox.api_url + "chat.postMessage",
        json={"token": sandbox.bot_token, "channel": world.staff_channel, "text": "x"},
    ).json()
    assert answer == {"ok": False, "error": "not_authed"}


def test_a_broken_json_body_is_refused(sandbox: SlackSandbox):
    answer = httpx.post(
        sandbox.api_url + "auth.test",
        content=b"{not json",
        headers={**bearer(sandbox), "Content-Type": "application/json"},
    ).json()
    assert answer["error"] == "invalid_json"


def test_blocks_that_are_not_json_are_refused(sandbox: SlackSandbox, world: DemoWorld):
    answer = httpx.post(
        sandbox.api_url + "chat.postMessage",
        data={"channel": world.staff_channel, "blocks": "[{oops"},
        headers=bearer(sandbox),
    ).json()
    assert answer["error"] == "invalid_blocks_format"


def test_a_view_may_arrive_as_json_text_in_a_form(sandbox: SlackSandbox, world: DemoWorld):
    view = {"type": "home", "blocks": BLOCKS}
    answer = httpx.post(
        sandbox.api_url + "views.publish",
        data={"user_id": world.alice, "view": json.dumps(view)},
        headers=bearer(sandbox),
    ).json()
    assert answer["ok"] is True
    assert sandbox.home_of(world.alice)["blocks"] == BLOCKS
