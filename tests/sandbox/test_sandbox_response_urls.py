"""A response_url answers a command or a click later: in the channel, privately, or in place."""

from __future__ import annotations

import httpx
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from slack_sandbox import DemoWorld, SlackSandbox


def test_an_ephemeral_answer_is_seen_only_by_who_asked(sandbox: SlackSandbox, world: DemoWorld):
    url = sandbox.response_url(world.globex_channel, world.carol)
    assert WebhookClient(url).send(text="Working on it").status_code == 200
    [response] = sandbox.responses
    assert (response.channel, response.user, response.response_type) == (
        world.globex_channel,
        world.carol,
        "ephemeral",
    )
    assert sandbox.ephemerals(world.globex_channel, world.carol)[0]["message"]["text"] == (
        "Working on it"
    )
    assert sandbox.messages(world.globex_channel) == []


def test_an_in_channel_answer_is_posted_for_all(sandbox: SlackSandbox, world: DemoWorld):
    url = sandbox.response_url(world.globex_channel, world.carol)
    WebhookClient(url).send(text="Request #7 received", response_type="in_channel")
    assert sandbox.messages(world.globex_channel)[0]["text"] == "Request #7 received"


def test_a_click_answer_replaces_or_deletes_the_message_clicked(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    posted = client.chat_postMessage(channel=world.staff_channel, text="Approve request #7?")
    url = sandbox.response_url(world.staff_channel, world.alice, posted["ts"])
    WebhookClient(url).send(text="Approved by Alice", replace_original=True)
    assert [m["text"] for m in sandbox.messages(world.staff_channel)] == ["Approved by Alice"]
    assert sandbox.responses[0].replace_original

    WebhookClient(url).send_dict({"delete_original": True})
    assert sandbox.messages(world.staff_channel) == []


def test_an_unknown_response_url_is_not_found(sandbox: SlackSandbox):
    assert httpx.post(sandbox.base_url + "/response/nope", json={"text": "x"}).status_code == 404
