"""The driver speaks as Slack does: signed requests, real payload shapes, retry headers."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from sandbox_endpoint import BotEndpoint
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from slack_sandbox import DemoWorld, Signature, SlackDriver, SlackSandbox

APPROVE = {
    "type": "actions",
    "block_id": "decision-7",
    "elements": [{"type": "button", "action_id": "approve", "value": "7", "text": {}}],
}


def driver_for(endpoint: BotEndpoint, sandbox: SlackSandbox) -> SlackDriver:
    return SlackDriver(endpoint.url, sandbox.signing_secret, sandbox)


def verifies(endpoint: BotEndpoint, secret: str) -> bool:
    request = endpoint.received[-1]
    return SignatureVerifier(secret).is_valid_request(request.body, request.headers)


def test_a_slash_command_is_signed_and_shaped_like_slacks(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint, client: WebClient
):
    with driver_for(bot_endpoint, sandbox) as driver:
        assert (
            driver.slash_command(
                "/callerid", "+44 20 7946 0018", user=world.carol, channel=world.globex_channel
            ).status_code
            == 200
        )
    request = bot_endpoint.received[0]
    assert request.path == "/slack/events"
    assert verifies(bot_endpoint, sandbox.signing_secret)
    form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
    assert form["command"] == "/callerid"
    assert form["text"] == "+44 20 7946 0018"
    assert form["team_id"] == world.globex_team
    assert form["channel_name"] == "globex-voip"
    assert form["response_url"].startswith(sandbox.base_url + "/response/")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Caller ID"}, "blocks": []}
    assert client.views_open(trigger_id=form["trigger_id"], view=modal)["ok"] is True


def test_forged_stale_and_unsigned_requests_do_not_verify(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint
):
    driver = driver_for(bot_endpoint, sandbox)
    for mode in (Signature.BAD, Signature.STALE):
        driver.with_signature(mode).url_verification("abc")
        assert not verifies(bot_endpoint, sandbox.signing_secret), mode
    driver.with_signature("unsigned").url_verification("abc")
    assert "X-Slack-Signature" not in bot_endpoint.received[-1].headers
    driver.url_verification("abc")
    assert verifies(bot_endpoint, sandbox.signing_secret), "the original driver still signs"


def test_a_click_on_a_posted_message_carries_the_message_and_a_response_url(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint, client: WebClient
):
    posted = client.chat_postMessage(channel=world.staff_channel, text="#7", blocks=[APPROVE])
    driver_for(bot_endpoint, sandbox).block_action(
        "approve", "7", user=world.alice, channel=world.staff_channel, message_ts=posted["ts"]
    )
    payload = bot_endpoint.received[0].form_payload()
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["block_id"] == "decision-7"
    assert payload["actions"][0]["value"] == "7"
    assert payload["message"]["ts"] == posted["ts"]
    assert payload["container"]["type"] == "message"
    assert payload["user"]["id"] == world.alice
    assert payload["response_url"].startswith(sandbox.base_url)
    assert verifies(bot_endpoint, sandbox.signing_secret)


def test_a_choice_in_a_modal_carries_the_view(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint, client: WebClient
):
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Plan"}, "blocks": [APPROVE]}
    view = client.views_open(trigger_id=sandbox.issue_trigger_id(world.alice), view=modal)["view"]
    driver_for(bot_endpoint, sandbox).block_action(
        "approve", "paid", user=world.alice, view=view["id"], action_type="static_select"
    )
    payload = bot_endpoint.received[0].form_payload()
    assert payload["container"] == {"type": "view", "view_id": view["id"]}
    assert payload["view"]["hash"] == view["hash"]
    assert payload["actions"][0]["selected_option"]["value"] == "paid"
    assert "response_url" not in payload


def test_slack_does_what_the_bot_answers_to_a_submission(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint, client: WebClient
):
    modal = {
        "type": "modal",
        "callback_id": "callerid",
        "title": {"type": "plain_text", "text": "Caller ID"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "blocks": [],
    }
    view = client.views_open(trigger_id=sandbox.issue_trigger_id(world.carol), view=modal)["view"]
    driver = driver_for(bot_endpoint, sandbox)
    errors = {"response_action": "errors", "errors": {"number": "Not a phone number"}}
    bot_endpoint.answer = lambda _: (200, json.dumps(errors).encode())
    driver.view_submission(
        "callerid", {"number": {"value": "12"}}, user=world.carol, view_id=view["id"]
    )
    submitted = bot_endpoint.received[0].form_payload()["view"]
    assert submitted["state"]["values"] == {
        "number": {"value": {"type": "plain_text_input", "value": "12"}}
    }
    assert sandbox.last_view(world.carol)["errors"] == {"number": "Not a phone number"}

    bot_endpoint.answer = lambda _: (200, b"")
    driver.view_submission(
        "callerid", {"number": {"value": "+442079460018"}}, user=world.carol, view_id=view["id"]
    )
    assert sandbox.open_modals(world.carol) == []
    assert sandbox.last_view(world.carol)["is_closed"] is True


def test_an_event_comes_in_slacks_envelope_and_a_retry_says_so(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint
):
    upload = sandbox.upload_file(world.carol, world.globex_channel, "bill.pdf", b"%PDF")
    driver = driver_for(bot_endpoint, sandbox)
    driver.event(upload.message_event, event_id="Ev0042")
    driver.event(upload.message_event, event_id="Ev0042", retry_num=1, retry_reason="http_timeout")
    first, retry = bot_endpoint.received
    envelope = json.loads(first.body)
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"] == "Ev0042"
    assert envelope["team_id"] == sandbox.team_id
    assert envelope["is_ext_shared_channel"] is True
    assert envelope["authorizations"][0]["user_id"] == sandbox.bot_user_id
    assert envelope["event"]["files"][0]["file_access"] == "check_file_info"
    assert "X-Slack-Retry-Num" not in first.headers
    assert (retry.headers["X-Slack-Retry-Num"], retry.headers["X-Slack-Retry-Reason"]) == (
        "1",
        "http_timeout",
    )


def test_url_verification_sends_the_challenge(sandbox: SlackSandbox, bot_endpoint: BotEndpoint):
    driver_for(bot_endpoint, sandbox).url_verification("3eZbrw1aBm2rZgRNFdxV")
    body = json.loads(bot_endpoint.received[0].body)
    assert body["type"] == "url_verification"
    assert body["challenge"] == "3eZbrw1aBm2rZgRNFdxV"


def test_a_submission_answer_may_update_push_or_clear_the_modals(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint, client: WebClient
):
    def modal(title: str) -> dict[str, object]:
        return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": []}

    first = client.views_open(trigger_id=sandbox.issue_trigger_id(world.bob), view=modal("One"))
    view_id = first["view"]["id"]
    driver = driver_for(bot_endpoint, sandbox)

    def answer_with(ack: dict[str, object]) -> None:
        bot_endpoint.answer = lambda _: (200, json.dumps(ack).encode())
        driver.view_submission("plan", {}, user=world.bob, view_id=view_id)

    answer_with({"response_action": "update", "view": modal("Two")})
    assert sandbox.last_view(world.bob)["title"]["text"] == "Two"
    answer_with({"response_action": "push", "view": modal("Three")})
    assert [v["title"]["text"] for v in sandbox.open_modals(world.bob)] == ["Two", "Three"]
    answer_with({"response_action": "clear"})
    assert sandbox.open_modals(world.bob) == []


def test_opening_the_home_tab_is_an_event_from_the_persons_dm(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint
):
    driver_for(bot_endpoint, sandbox).app_home_opened(world.alice)
    event = json.loads(bot_endpoint.received[0].body)["event"]
    assert (event["type"], event["user"], event["tab"]) == ("app_home_opened", world.alice, "home")
    assert event["channel"].startswith("D")


def test_a_customer_sharing_a_file_sends_both_events(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint
):
    upload = driver_for(bot_endpoint, sandbox).share_file(
        world.carol, world.globex_channel, "bill.jpg", b"\xff\xd8", comment="my bill"
    )
    kinds = [json.loads(r.body)["event"]["type"] for r in bot_endpoint.received]
    assert kinds == ["message", "file_shared"]
    assert sandbox.history(world.globex_channel)[-1]["text"] == "my bill"
    assert sandbox.file_content(upload.file_id) == b"\xff\xd8"
