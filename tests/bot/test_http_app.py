"""The real app in HTTP mode, driven over real HTTP with signed requests, as Slack would."""

from __future__ import annotations

import logging
import socket
import time

import httpx
import pytest
from running import RunningBot

from bot.slack_app import TRY_AGAIN_SHORTLY, web_client
from slack_sandbox import Signature
from store.errors import UserFacingError


def test_a_customer_asks_for_help_and_gets_the_commands(running_bot: RunningBot):
    w = running_bot.world
    answer = running_bot.slack.slash_command("/sip", "help", user=w.carol, channel=w.globex_channel)
    assert answer.status_code == 200
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    text = " ".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    assert "/sip status" in text and "/sip new" in text
    assert "/sip help" in body["text"]


def test_callerid_help_and_an_unknown_word_say_what_is_possible(running_bot: RunningBot):
    w = running_bot.world
    answer = running_bot.slack.slash_command(
        "/callerid", "frobnicate", user=w.carol, channel=w.globex_channel
    ).json()
    assert "I don't know `/callerid frobnicate`" in answer["blocks"][0]["text"]["text"]
    assert "/callerid help" in answer["text"]


def test_an_unsigned_request_is_refused_with_401_and_has_no_effect(running_bot: RunningBot):
    w = running_bot.world
    for signature in (Signature.UNSIGNED, Signature.BAD, Signature.STALE):
        driver = running_bot.slack.with_signature(signature)
        refused = driver.slash_command("/sip", "help", user=w.carol, channel=w.globex_channel)
        assert refused.status_code == 401, signature
        assert "/sip" not in refused.text
        opened = driver.app_home_opened(w.alice)
        assert opened.status_code == 401
    time.sleep(0.3)  # a listener that wrongly ran would have published by now
    assert running_bot.sandbox.calls_to("views.publish") == []


def test_staff_open_the_home_tab_and_see_the_desk(running_bot: RunningBot):
    w = running_bot.world
    assert running_bot.slack.app_home_opened(w.alice).status_code == 200
    home = running_bot.sandbox.eventually(lambda: running_bot.sandbox.home_of(w.alice))
    assert home is not None
    assert "Open requests: 0" in str(home["blocks"])


def test_a_retried_event_is_handled_once(running_bot: RunningBot):
    w = running_bot.world
    event = {
        "type": "app_home_opened",
        "user": w.bob,
        "tab": "home",
        "channel": running_bot.sandbox.world.dm_channel(w.bob).id,
        "event_ts": "1.0",
    }
    first = running_bot.slack.event(event, event_id="Ev0RETRY1")
    retry = running_bot.slack.event(
        event, event_id="Ev0RETRY1", retry_num=1, retry_reason="http_timeout"
    )
    assert first.status_code == retry.status_code == 200
    running_bot.sandbox.eventually(lambda: running_bot.sandbox.calls_to("views.publish"))
    time.sleep(0.3)
    assert len(running_bot.sandbox.calls_to("views.publish")) == 1


def test_health_reports_database_and_redis(running_bot: RunningBot):
    health = httpx.get(f"{running_bot.url}/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_health_says_degraded_when_redis_is_gone(running_bot: RunningBot):
    import redis

    client = running_bot.runtime.redis
    client.connection_pool = redis.ConnectionPool(port=1, retry=client.get_retry())  # nothing there
    health = httpx.get(f"{running_bot.url}/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"
    assert health.json()["redis"].startswith("down")
    assert health.json()["database"] == "ok"


def test_slack_url_verification_is_answered_with_the_challenge(running_bot: RunningBot):
    answer = running_bot.slack.url_verification(
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    )
    assert answer.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answer.text


def test_a_known_error_reaches_the_person_as_its_sentence(running_bot: RunningBot):
    def refuse(ack, command):  # type: ignore[no-untyped-def]
        ack()
        raise UserFacingError("+44 20 7946 0999 is not a number on your account.")

    running_bot.runtime.app.command("/boom")(refuse)
    w = running_bot.world
    running_bot.slack.slash_command("/boom", "", user=w.carol, channel=w.globex_channel)
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert [r.body["text"] for r in said] == [
        ":warning: +44 20 7946 0999 is not a number on your account."
    ]
    assert said[0].response_type == "ephemeral"


def test_an_unexpected_error_is_an_apology_not_a_traceback(running_bot: RunningBot):
    def crash(ack, command):  # type: ignore[no-untyped-def]
        ack()
        raise RuntimeError("connection pool exhausted at 0x7f3a")

    running_bot.runtime.app.command("/crash")(crash)
    w = running_bot.world
    running_bot.slack.slash_command("/crash", "", user=w.carol, channel=w.globex_channel)
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert len(said) == 1
    assert "Sorry, something went wrong on our side" in said[0].body["text"]
    assert "0x7f3a" not in said[0].body["text"]


def test_slack_out_of_reach_is_one_warning_line_not_a_traceback(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    with socket.socket() as probe:  # a port nobody listens on: the connect is refused
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/"
    unreachable = web_client("xoxb-test", dead)  # the bot's own client, retries and all

    def post(ack, command):  # type: ignore[no-untyped-def]
        ack()
        unreachable.chat_postMessage(channel=command["channel_id"], text="never sent")

    running_bot.runtime.app.command("/post")(post)
    w = running_bot.world
    with caplog.at_level(logging.WARNING):
        running_bot.slack.slash_command("/post", "", user=w.carol, channel=w.globex_channel)
        said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert said[0].body["text"] == f":warning: {TRY_AGAIN_SHORTLY}"
    noted = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(" (")[0] for r in noted] == ["Slack could not be reached"]
    assert noted[0].exc_info is None and "\n" not in noted[0].getMessage()
    assert "listener failed" not in caplog.text


def test_with_redis_down_customers_still_get_answers_in_time(running_bot: RunningBot):
    import redis

    client = running_bot.runtime.services.redis
    client.connection_pool = redis.ConnectionPool(
        port=1, socket_connect_timeout=0.5, retry=client.get_retry()
    )
    w = running_bot.world
    answer = running_bot.slack.slash_command("/sip", "help", user=w.carol, channel=w.globex_channel)
    assert answer.status_code == 200
    assert "/sip help" in answer.json()["text"]
