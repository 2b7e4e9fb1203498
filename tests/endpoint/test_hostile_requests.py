"""`POST /slack/events` tried as an attacker would: every request below is refused, costs
nothing, logs one line without the body, and sends nothing anywhere."""

from __future__ import annotations

import contextlib
import json
import random
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from endpoint_bot import Bot, tracebacks, trap

from slack_sandbox import payloads
from store.errors import UserFacingError

FORM = "application/x-www-form-urlencoded"
# Slack shows an error to the person when an answer takes longer than this.
SLACK_ACK_SECONDS = 3.0


def unsigned(
    bot: Bot, body: bytes, content_type: str | None = FORM, **headers: str
) -> httpx.Response:
    sent = dict(headers)
    if content_type is not None:
        sent["Content-Type"] = content_type
    return httpx.post(bot.events_url, content=body, headers=sent, timeout=15)


def slash_form(bot: Bot, command: str, text: str, **extra: str) -> dict[str, str]:
    w = bot.world
    form = payloads.slash_command_form(bot.sandbox, command, text, w.carol, w.globex_channel, None)
    return {**form, **extra}


def test_an_unsigned_request_cannot_make_the_bot_post_to_a_url_it_names(bot: Bot, log: Any):
    def boom(ack: Any, command: Any) -> None:
        ack()
        raise UserFacingError("That number is not on your account.")

    bot.runtime.app.command("/boom")(boom)
    with trap() as hook:
        forged = slash_form(bot, "/boom", "", response_url=hook.url)
        for timestamp in ("not-a-number", "1e9", "-1", "12a", "١٢٣".encode()):
            refused = unsigned(
                bot,
                urlencode(forged).encode(),
                **{"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + "0" * 64},
            )
            assert refused.status_code == 401, timestamp
        # The same command, signed: its answer reaching Slack proves the bot got this far.
        bot.slack.slash_command("/boom", "", user=bot.world.carol, channel=bot.world.globex_channel)
        said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
        assert [r.body["text"] for r in said] == [":warning: That number is not on your account."]
        assert hook.hits == []
    refusals = [r.getMessage() for r in log.records if "refused 401" in r.getMessage()]
    assert len(refusals) == 5 and all("timestamp is not a number" in r for r in refusals)
    assert tracebacks(log.records) == []


GARBAGE: dict[str, tuple[bytes, str | None]] = {
    "random bytes": (random.Random(8).randbytes(4096), FORM),
    "a truncated payload=": (b"payload=%7B%22type%22%3A%22block_act", FORM),
    "JSON of the wrong shape": (b'[{"type": "event_callback"}]', "application/json"),
    "JSON sent as a form": (b'{"type": "event_callback", "event": null}', FORM),
    "an empty body": (b"", FORM),
    "no content type": (b"command=%2Fsip&text=help", None),
    "deeply nested JSON": (b"[" * 100_000, "application/json"),
}


@pytest.mark.parametrize("name", GARBAGE)
def test_unsigned_garbage_gets_401_no_traceback_and_no_work(bot: Bot, log: Any, name: str):
    body, content_type = GARBAGE[name]
    bot.timed_help()  # Bolt's first signed request calls auth.test; let that be done
    before = len(bot.sandbox.calls)
    for headers in (
        {},
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "f" * 64},
    ):
        refused = unsigned(bot, body, content_type, **headers)
        assert refused.status_code == 401
        assert "Traceback" not in refused.text
    assert bot.timed_help()[1].status_code == 200  # the bot is there, and answered in order
    assert [c.method for c in bot.sandbox.calls[before:]] == []
    assert tracebacks(log.records) == []


def test_the_log_holds_the_refusal_never_the_body(bot: Bot, log: Any):
    marker = "SECRET-MARKER-" + "x" * 50_000
    unsigned(bot, urlencode({"command": "/sip", "text": marker}).encode())
    lines = [r.getMessage() for r in log.records]
    assert any("refused 401" in line and "unsigned" in line for line in lines)
    assert not any("SECRET-MARKER" in line for line in lines)
    assert max(len(line) for line in lines) < 1000


def _send_raw(url: str, head: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send `head`, then `chunks` until the server answers (as an eager attacker would); the
    answer. Stopping once answered keeps the server's close from resetting the answer away."""
    host, port = url.removeprefix("http://").split("/", 1)[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head)
        patience = 0.5  # a server that refuses on the headers alone has answered by then
        for chunk in chunks:
            if select.select([conn], [], [], patience)[0]:
                break
            patience = 0.0
            try:
                conn.sendall(chunk)
            except OSError:
                break  # the server answered and closed: the rest was never wanted
        answer = b""
        with contextlib.suppress(OSError):
            while b"\r\n" not in answer:
                data = conn.recv(4096)
                if not data:
                    break
                answer += data
        return answer


def _body(size: int, piece: int = 65536) -> Iterator[bytes]:
    for _ in range(size // piece):
        yield b"a" * piece


def test_a_huge_body_is_refused_with_413_before_it_is_read(bot: Bot, log: Any):
    ten_mb = 10 * 1024 * 1024
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
        f"Content-Length: {ten_mb}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer = _send_raw(bot.url, head, _body(ten_mb))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert time.monotonic() - started < SLACK_ACK_SECONDS

    chunked = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
    assert _send_raw(bot.url, chunked, iter([chunk] * 40)).startswith(b"HTTP/1.1 413")

    signed = bot.slack.post_raw(b"payload=" + b"a" * (1024 * 1024 + 1), FORM)
    assert signed.status_code == 413
    assert tracebacks(log.records) == []


def test_four_huge_unsigned_bodies_at_once_leave_acks_fast(bot: Bot):
    ten_mb = 10 * 1024 * 1024
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
        f"Content-Length: {ten_mb}\r\n\r\n"
    ).encode()
    answers: list[bytes] = []
    senders = [
        threading.Thread(target=lambda: answers.append(_send_raw(bot.url, head, _body(ten_mb))))
        for _ in range(4)
    ]
    for sender in senders:
        sender.start()
    timings = [bot.timed_help() for _ in range(5)]
    for sender in senders:
        sender.join(timeout=30)
    assert all(answer.status_code == 200 for _, answer in timings)
    assert max(seconds for seconds, _ in timings) < SLACK_ACK_SECONDS
    assert len(answers) == 4 and all(a.startswith(b"HTTP/1.1 413") for a in answers)


def test_a_body_just_under_the_limit_unsigned_is_refused_cheaply(bot: Bot):
    body = b"payload=" + b"%7B" * 300_000
    started = time.monotonic()
    assert unsigned(bot, body).status_code == 401
    assert time.monotonic() - started < SLACK_ACK_SECONDS


def _interaction(bot: Bot, **changes: Any) -> dict[str, Any]:
    payload = payloads.block_actions(
        bot.sandbox,
        "home_refresh",
        "",
        user=bot.world.alice,
        channel=None,
        message_ts=None,
        block_id=None,
        container=None,
        view=None,
        action_type="button",
    )
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not ...}


MALFORMED: dict[str, Any] = {
    "actions not a list": lambda bot: _interaction(bot, actions={"action_id": "home_refresh"}),
    "actions empty": lambda bot: _interaction(bot, actions=[]),
    "an action not an object": lambda bot: _interaction(bot, actions=["home_refresh"]),
    "view not an object": lambda bot: _interaction(bot, view="V123"),
    "a submission whose view is a list": lambda bot: {
        **_interaction(bot, type="view_submission"),
        "view": [],
    },
    "Home refresh without a user": lambda bot: _interaction(bot, user=...),
    "Home refresh by a user that is a string": lambda bot: _interaction(bot, user="U123"),
    "Home refresh by a user without an id": lambda bot: _interaction(bot, user={"name": "x"}),
    "team is a number": lambda bot: _interaction(bot, team=7),
}
MALFORMED_EVENTS: dict[str, Any] = {
    "event null": None,
    "event a string": "app_home_opened",
    "event a list": [],
    "event without a type": {"user": "U1"},
    "app_home_opened without a user": {"type": "app_home_opened", "tab": "home"},
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_signed_but_malformed_interaction_gets_400_and_one_log_line(
    bot: Bot, log: Any, name: str
):
    payload = MALFORMED[name](bot)
    answer = bot.slack.post_form({"payload": json.dumps(payload)})
    assert answer.status_code == 400
    _assert_refused_once_and_nothing_ran(bot, log)


@pytest.mark.parametrize("name", MALFORMED_EVENTS)
def test_a_signed_but_malformed_event_gets_400_and_one_log_line(bot: Bot, log: Any, name: str):
    envelope = payloads.event_envelope(bot.sandbox, {"type": "app_home_opened"}, None)
    envelope["event"] = MALFORMED_EVENTS[name]
    if name == "event without a type":
        envelope["event"] = dict(MALFORMED_EVENTS[name], user=bot.world.alice)
    answer = bot.slack.post_json(envelope)
    assert answer.status_code == 400
    _assert_refused_once_and_nothing_ran(bot, log)


def test_signed_bodies_that_are_not_slack_requests_get_400(bot: Bot, log: Any):
    for body, content_type in (
        (b"[1, 2, 3]", "application/json"),
        (b'{"type": "no_such_thing"}', "application/json"),
        (b"payload=not-json", FORM),
        (b"payload=%5B%5D", FORM),
        (b"\xff\xfe\x00", FORM),
        (b'{"type": "url_verification"}', FORM),
    ):
        assert bot.slack.post_raw(body, content_type).status_code == 400, body
    assert tracebacks(log.records) == []


def _assert_refused_once_and_nothing_ran(bot: Bot, log: Any) -> None:
    refusals = [r for r in log.records if "signed but malformed" in r.getMessage()]
    assert len(refusals) == 1
    assert tracebacks(log.records) == []
    # A good click after the bad one: once its Home tab is published, the bad one had its turn.
    assert bot.slack.block_action("home_refresh", "", user=bot.world.alice).status_code == 200
    bot.sandbox.eventually(lambda: bot.sandbox.calls_to("views.publish"))
    assert len(bot.sandbox.calls_to("views.publish")) == 1


def _section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def test_a_5000_character_word_is_cut_to_fit_a_section(bot: Bot):
    word = "a" * 5000
    answer = bot.slack.slash_command(
        "/sip", word, user=bot.world.carol, channel=bot.world.globex_channel
    )
    texts = _section_texts(answer.json()["blocks"])
    assert texts and all(len(t) <= 3000 for t in texts)
    assert "…" in texts[0]


def test_mentions_and_markup_typed_by_a_person_are_not_echoed_raw(bot: Bot):
    for typed in (
        "<!channel>",
        "<!here|here>",
        "<@U0ADMIN>",
        "<https://evil.example|click>",
        "a&b",
    ):
        answer = bot.slack.slash_command(
            "/callerid", typed, user=bot.world.carol, channel=bot.world.globex_channel
        )
        shown = json.dumps(answer.json()["blocks"])
        assert "<!" not in shown and "<@" not in shown and "<http" not in shown, typed
    assert "a&amp;b" in _section_texts(answer.json()["blocks"])[0]


def test_other_methods_and_paths_are_refused_plainly(bot: Bot):
    assert httpx.get(bot.events_url).status_code == 405
    assert httpx.post(f"{bot.url}/slack/other", content=b"x").status_code == 404
    assert httpx.post(f"{bot.url}/healthz", content=b"x").status_code == 404
