"""A real Bolt app accepts what the driver sends and its replies land in the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sandbox_endpoint import BotEndpoint, ReceivedRequest
from slack_bolt import Ack, App, Respond
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from slack_sandbox import DemoWorld, Signature, SlackDriver, SlackSandbox

CALLER_ID_FORM = {
    "type": "modal",
    "callback_id": "callerid",
    "title": {"type": "plain_text", "text": "PSTN caller ID"},
    "submit": {"type": "plain_text", "text": "Ask"},
    "blocks": [
        {
            "type": "input",
            "block_id": "number",
            "label": {"type": "plain_text", "text": "Number"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
DECISION = [
    {
        "type": "actions",
        "block_id": "decision",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "value": "7",
                "text": {"type": "plain_text", "text": "Approve"},
            }
        ],
    }
]


def small_bolt_app(sandbox: SlackSandbox, downloads: list[bytes]) -> App:
    """Just enough of a bot to exercise each kind of request the driver sends."""
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    app = App(
        token=sandbox.bot_token,
        client=client,
        signing_secret=sandbox.signing_secret,
        process_before_response=True,
    )

    @app.command("/callerid")
    def open_form(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=CALLER_ID_FORM)
        respond("Fill in the form, please.")

    @app.action("approve")
    def approve(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Approved by Alice", replace_original=True)

    @app.view("callerid")
    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        number = view["state"]["values"]["number"]["value"]["value"]
        if not number.startswith("+"):
            ack(response_action="errors", errors={"number": "Use the +44 form."})
        else:
            ack()

    @app.event("message")
    def bill_shared(event: dict[str, Any], client: WebClient) -> None:
        for announced in event.get("files", []):
            full = client.files_info(file=announced["id"])["file"]
            got = httpx.get(
                full["url_private_download"],
                headers={"Authorization": f"Bearer {sandbox.bot_token}"},
            )
            downloads.append(got.content)
            client.chat_postMessage(channel=event["channel"], text=f"Got {full['name']}")

    return app


@pytest.fixture
def downloads() -> list[bytes]:
    return []


@pytest.fixture
def driver(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint, downloads: list[bytes]
) -> Iterator[SlackDriver]:
    app = small_bolt_app(sandbox, downloads)

    def dispatch(request: ReceivedRequest) -> tuple[int, bytes]:
        answer = app.dispatch(BoltRequest(body=request.body.decode(), headers=request.headers))
        return answer.status, answer.body.encode()

    bot_endpoint.answer = dispatch
    with SlackDriver(bot_endpoint.url, sandbox.signing_secret, sandbox) as running:
        yield running


def test_a_customer_asks_fills_the_form_and_is_corrected(
    sandbox: SlackSandbox, world: DemoWorld, driver: SlackDriver
):
    asked = driver.slash_command("/callerid", "", user=world.carol, channel=world.globex_channel)
    assert asked.status_code == 200
    form = sandbox.last_view(world.carol)
    assert form["callback_id"] == "callerid"
    assert sandbox.ephemerals(world.globex_channel, world.carol)[0]["message"]["text"] == (
        "Fill in the form, please."
    )

    driver.view_submission(
        "callerid", {"number": {"value": "0207"}}, user=world.carol, view_id=form["id"]
    )
    assert sandbox.last_view(world.carol)["errors"] == {"number": "Use the +44 form."}
    driver.view_submission(
        "callerid", {"number": {"value": "+442079460018"}}, user=world.carol, view_id=form["id"]
    )
    assert sandbox.open_modals(world.carol) == []


def test_an_agent_approves_and_the_message_changes_in_place(
    sandbox: SlackSandbox, world: DemoWorld, driver: SlackDriver, client: WebClient
):
    posted = client.chat_postMessage(channel=world.staff_channel, text="#7", blocks=DECISION)
    clicked = driver.block_action(
        "approve", "7", user=world.alice, channel=world.staff_channel, message_ts=posted["ts"]
    )
    assert clicked.status_code == 200
    assert [m["text"] for m in sandbox.messages(world.staff_channel)] == ["Approved by Alice"]


def test_a_bill_shared_over_slack_connect_is_fetched_and_acknowledged(
    sandbox: SlackSandbox, world: DemoWorld, driver: SlackDriver, downloads: list[bytes]
):
    upload = sandbox.upload_file(world.carol, world.globex_channel, "bill.pdf", b"%PDF-1.4 bill")
    assert driver.event(upload.message_event).status_code == 200
    assert downloads == [b"%PDF-1.4 bill"]
    assert sandbox.messages(world.globex_channel)[-1]["text"] == "Got bill.pdf"


def test_bolt_turns_away_forged_and_stale_requests(
    sandbox: SlackSandbox, world: DemoWorld, driver: SlackDriver
):
    for mode in (Signature.BAD, Signature.STALE, Signature.UNSIGNED):
        refused = driver.with_signature(mode).slash_command(
            "/callerid", "", user=world.carol, channel=world.globex_channel
        )
        assert refused.status_code == 401, mode
    assert sandbox.calls_to("views.open") == []
