"""The door's parts on their own: the signature check, the payload reader, the health deadline,
the breaker and the watchdog."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from endpoint_bot import until

from bot.health import HealthCheck
from bot.inbound import EventDelivery, Interaction, Malformed, SlashCommand, decode, parse
from bot.signature import refusal
from slack_sandbox.driver import sign
from store.breaker import Breaker
from store.dedupe import slack_delivery_key
from store.watchdog import Watchdog

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_800_000_000


def test_slack_signs_and_we_agree():
    body = b"command=%2Fsip&text=help"
    assert refusal(SECRET, str(NOW), sign(SECRET, NOW, body), body, now=NOW) is None


@pytest.mark.parametrize(
    ("timestamp", "signature", "reason"),
    [
        (None, None, "unsigned"),
        ("abc", "v0=" + "0" * 64, "timestamp is not a number"),
        ("١٢٣", "v0=" + "0" * 64, "timestamp is not a number"),
        (str(NOW - 301), None, "unsigned"),
        (str(NOW - 301), "v0=" + "0" * 64, "stale timestamp"),
        (str(NOW), "v0=short", "malformed signature"),
        (str(NOW), "v0=" + "0" * 64, "bad signature"),
    ],
)
def test_forgeries_are_named_not_raised(timestamp: Any, signature: Any, reason: str):
    assert refusal(SECRET, timestamp, signature, b"x", now=NOW) == reason


def test_without_a_secret_every_request_is_refused():
    assert (
        refusal(None, str(NOW), sign("", NOW, b"x"), b"x", now=NOW)
        == "no signing secret configured"
    )


def test_payloads_are_read_into_typed_objects():
    command = parse(decode(b"command=%2Fsip&text=help&user_id=U1&channel_id=C1", None))
    assert command == SlashCommand("/sip", "help", "U1", "C1", None)
    click = parse({"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "go"}]})
    assert isinstance(click, Interaction) and click.actions[0].action_id == "go"
    event = parse({"type": "event_callback", "event": {"type": "app_home_opened", "user": "U1"}})
    assert isinstance(event, EventDelivery) and event.event.user == "U1"


@pytest.mark.parametrize(
    "body",
    [
        {"type": "block_actions", "user": {"id": "U1"}, "actions": "go"},
        {"type": "block_actions", "user": "U1", "actions": [{"action_id": "go"}]},
        {"type": "view_submission", "user": {"id": "U1"}, "view": "V1"},
        {"type": "event_callback", "event": None},
        {"type": "event_callback", "event": "app_home_opened"},
        {"type": "event_callback", "event": {"type": "app_home_opened"}},
        {"type": "event_callback", "event": {"type": "x"}, "command": "/sip"},
        {"command": "/sip", "user_id": "U1", "text": 5},
        {"command": "/sip", "user_id": "U1", "response_url": "file:///etc/passwd"},
        {"type": "shortcut", "user": {"id": "U1"}},
        {"team": 5, "type": "url_verification", "challenge": "c"},
    ],
)
def test_malformed_payloads_are_refused_with_a_reason(body: dict[str, Any]):
    with pytest.raises(Malformed) as refused:
        parse(body)
    assert refused.value.reason


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b'{"a": 1}', "application/x-www-form-urlencoded"),
        (b"[1]", "application/json"),
        (b"payload=%7B", None),
        (b"text=payload", None),
        (b"\xff", None),
        (b"", None),
        (b"a=1", "text/plain"),
    ],
)
def test_bodies_that_are_not_json_or_a_form_are_refused(raw: bytes, kind: str | None):
    with pytest.raises(Malformed):
        decode(raw, kind)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "block_actions", "actions": {"action_id": "x"}},
        {"type": "block_actions", "actions": ["x"]},
        {"type": "block_actions", "actions": [{"action_ts": {"a": 1}}], "user": [1]},
        {"type": "view_submission", "view": "V1"},
        {"type": "view_closed", "view": [], "trigger_id": 5},
        {"type": "event_callback", "event": None, "event_id": ["E"]},
        {"type": "shortcut", "action_ts": None},
        {"command": "/sip", "trigger_id": {"x": 1}},
    ],
)
def test_the_delivery_key_of_any_shape_is_a_key_or_none(body: dict[str, Any]):
    key = slack_delivery_key(body)
    assert key is None or isinstance(key, str)


def test_health_names_a_hanging_part_within_its_deadline_and_probes_it_once():
    release = threading.Event()
    calls: list[str] = []

    def hangs() -> None:
        calls.append("probe")
        release.wait(10)

    check = HealthCheck({"database": hangs, "redis": lambda: None}, deadline=0.3)
    try:
        for _ in range(3):
            started = time.monotonic()
            report = check()
            assert time.monotonic() - started < 5.0  # the stuck probe holds for 10 s
            assert report["redis"] == "ok"
            assert report["database"].startswith("down: no answer for")
        assert calls == ["probe"]  # one stuck probe, not one per check
    finally:
        release.set()
    assert until(lambda: check() == {"database": "ok", "redis": "ok"}, seconds=5)


def test_health_reports_the_error_of_a_failing_part():
    def refuses() -> None:
        raise ConnectionRefusedError

    assert HealthCheck({"redis": refuses})() == {"redis": "down: ConnectionRefusedError"}


def test_the_breaker_opens_on_failure_and_closes_after_its_cool_down():
    breaker = Breaker(0.2)
    assert breaker.closed()
    assert breaker.failed() is True
    assert breaker.failed() is False  # already open: log once
    assert not breaker.closed()
    deadline = time.monotonic() + 5
    while not breaker.closed() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert breaker.closed()


def test_the_watchdog_rings_what_is_not_called_off():
    rang: list[str] = []
    watchdog = Watchdog()
    called_off = watchdog.arm(0.05, lambda: rang.append("called off"))
    kept = watchdog.arm(0.1, lambda: rang.append("kept"))
    called_off.cancel()
    deadline = time.monotonic() + 5
    while not kept.rang and time.monotonic() < deadline:
        time.sleep(0.01)
    assert rang == ["kept"] and not called_off.rang
