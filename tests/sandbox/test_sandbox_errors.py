"""Slack's refusals, so the bot's error handling meets the real shapes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from slack_sandbox import DemoWorld, SlackSandbox


def refused(method: Callable[..., Any], **arguments: Any) -> SlackApiError:
    """Call a WebClient method that Slack must refuse; the refusal, to look at."""
    with pytest.raises(SlackApiError) as caught:
        method(**arguments)
    return caught.value


def error_of(method: Callable[..., Any], **arguments: Any) -> str:
    return str(refused(method, **arguments).response["error"])


def test_a_wrong_token_is_invalid_auth(sandbox: SlackSandbox):
    stranger = WebClient(token="xoxb-not-ours", base_url=sandbox.api_url)
    assert error_of(stranger.auth_test) == "invalid_auth"
    assert sandbox.calls[0].error == "invalid_auth"


def test_no_token_at_all_is_not_authed(sandbox: SlackSandbox):
    assert httpx.post(sandbox.api_url + "auth.test").json()["error"] == "not_authed"


def test_an_unknown_method(sandbox: SlackSandbox, client: WebClient):
    assert error_of(client.api_call, api_method="chat.teleport") == "unknown_method"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_where_the_bot_cannot_post(sandbox: SlackSandbox, world: DemoWorld, client: WebClient):
    outside = sandbox.add_channel("general", members=[world.alice], bot_is_member=False)
    hidden = sandbox.add_channel("hr", is_private=True, bot_is_member=False)
    post = client.chat_postMessage
    assert error_of(post, channel="C404", text="x") == "channel_not_found"
    assert error_of(post, channel=outside, text="x") == "not_in_channel"
    assert error_of(post, channel=hidden, text="x") == "channel_not_found"
    assert error_of(post, channel=world.staff_channel) == "no_text"


def test_unknown_people_files_groups_and_messages(world: DemoWorld, client: WebClient):
    assert error_of(client.users_info, user="U404") == "user_not_found"
    assert error_of(client.files_info, file="F404") == "file_not_found"
    assert error_of(client.usergroups_users_list, usergroup="S404") == "no_such_subteam"
    assert (
        error_of(client.chat_update, channel=world.staff_channel, ts="1.000001", text="x")
        == "message_not_found"
    )


def test_the_bot_cannot_edit_a_customers_message(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    said = sandbox.say(world.carol, world.globex_channel, "our line is down")
    assert (
        error_of(client.chat_update, channel=world.globex_channel, ts=said["ts"], text="x")
        == "cant_update_message"
    )


def test_a_missing_argument_is_named(client: WebClient):
    error = refused(client.api_call, api_method="users.info", params={})
    assert error.response["error"] == "invalid_arguments"
    assert "user" in error.response["response_metadata"]["messages"][0]


def test_a_scope_the_app_lacks(sandbox: SlackSandbox, world: DemoWorld, client: WebClient):
    sandbox.revoke_scope("users:read")
    error = refused(client.users_info, user=world.carol)
    assert error.response["error"] == "missing_scope"
    assert error.response["needed"] == "users:read"


def test_a_rate_limit_answers_429_with_retry_after(sandbox: SlackSandbox, world: DemoWorld):
    sandbox.fail_next("chat.postMessage", error="ratelimited", retry_after=7)
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    error = refused(client.chat_postMessage, channel=world.staff_channel, text="x")
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"
    client.chat_postMessage(channel=world.staff_channel, text="x")  # the next one goes through


def test_slack_sdks_retry_handler_waits_and_succeeds(sandbox: SlackSandbox, world: DemoWorld):
    sandbox.fail_next("chat.postMessage", error="ratelimited", retry_after=0, times=2)
    client = WebClient(
        token=sandbox.bot_token,
        base_url=sandbox.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    answer = client.chat_postMessage(channel=world.staff_channel, text="Outage on sip-4411")
    assert answer["ok"] is True
    tries = sandbox.calls_to("chat.postMessage")
    assert [t.error for t in tries] == ["ratelimited", "ratelimited", None]
    assert len(sandbox.messages(world.staff_channel)) == 1


def test_any_error_can_be_injected_for_a_number_of_calls(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    sandbox.fail_next("users.info", error="fatal_error", times=2, status=500)
    for _ in range(2):
        assert refused(client.users_info, user=world.bob).response.status_code == 500
    assert client.users_info(user=world.bob)["ok"] is True


def test_a_modal_needs_a_trigger_id_slack_issued(client: WebClient):
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
    assert error_of(client.views_open, trigger_id="1.2.abc", view=view) == "invalid_trigger_id"


def test_a_trigger_id_expires_and_cannot_be_exchanged_twice():
    with SlackSandbox(trigger_ttl=0.05) as strict:
        client = WebClient(token=strict.bot_token, base_url=strict.api_url)
        person = strict.add_user("erin")
        view = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
        fresh = strict.issue_trigger_id(person)
        client.views_open(trigger_id=fresh, view=view)
        assert error_of(client.views_open, trigger_id=fresh, view=view) == "exchanged_trigger_id"
        late = strict.issue_trigger_id(person)
        time.sleep(0.1)
        assert error_of(client.views_open, trigger_id=late, view=view) == "invalid_trigger_id"


def test_an_update_with_a_stale_hash_is_a_conflict(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
    opened = client.views_open(trigger_id=sandbox.issue_trigger_id(world.bob), view=view)["view"]
    client.views_update(view_id=opened["id"], hash=opened["hash"], view=view)
    stale = {"view_id": opened["id"], "hash": opened["hash"], "view": view}
    assert error_of(client.views_update, **stale) == "hash_conflict"


def test_a_modal_title_over_24_characters_is_refused(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Change your PSTN caller ID now"},
        "blocks": [],
    }
    error = refused(client.views_open, trigger_id=sandbox.issue_trigger_id(world.bob), view=view)
    assert error.response["error"] == "invalid_arguments"
    assert "/view/title" in error.response["response_metadata"]["messages"][0]
