"""Stories of Slack deliveries arriving more than once, at one or several replicas."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from store.dedupe import EventDeduplicator, slack_delivery, slack_delivery_key
from store.keys import delivery_key


def event_body(event_id: str = "Ev0001") -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": event_id,
        "event": {"type": "message", "channel": "C1", "text": "my phone is Down"},
    }


def click_body(action_ts: str, user: str = "U_AGENT", action_id: str = "approve") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": f"trig-{action_ts}",
        "actions": [{"action_id": action_id, "block_id": "b", "action_ts": action_ts}],
    }


@pytest.fixture
def dedupe(redis_client: redis.Redis, redis_prefix: str) -> EventDeduplicator:
    return EventDeduplicator(redis_client, redis_prefix)


def test_an_event_is_accepted_once_and_its_retry_is_a_duplicate(dedupe: EventDeduplicator) -> None:
    assert dedupe.first_delivery(event_body(), {"Content-Type": "application/json"})
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert not dedupe.first_delivery(event_body(), retry_headers)
    assert dedupe.first_delivery(event_body("Ev0002"))


def test_a_retry_whose_original_never_arrived_is_processed(dedupe: EventDeduplicator) -> None:
    delivery = slack_delivery(event_body(), {"x-slack-retry-num": ["2"]})
    assert delivery.is_retry and delivery.retry_num == 2
    assert dedupe.first_delivery(event_body(), {"x-slack-retry-num": ["2"]})


def test_bolt_style_headers_are_read_case_insensitively() -> None:
    delivery = slack_delivery(
        event_body(),
        {"x-slack-retry-num": ["3"], "X-SLACK-RETRY-REASON": ["http_error"]},
    )
    assert delivery.key == "event:Ev0001"
    assert (delivery.retry_num, delivery.retry_reason) == (3, "http_error")
    assert not slack_delivery(event_body(), None).is_retry


def test_two_replicas_racing_on_one_event_accept_it_exactly_once(
    redis_url: str, redis_prefix: str
) -> None:
    clients = [redis.Redis.from_url(redis_url) for _ in range(2)]
    replicas = [EventDeduplicator(client, redis_prefix) for client in clients]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(
                pool.map(lambda i: replicas[i % 2].first_seen("event:EvRace"), range(40))
            )
    finally:
        for client in clients:
            client.close()
    assert answers.count(True) == 1


def test_a_failed_delivery_is_forgotten_so_slacks_retry_does_the_work(
    dedupe: EventDeduplicator,
) -> None:
    key = slack_delivery_key(event_body())
    assert key is not None
    assert dedupe.first_seen(key)
    dedupe.forget(key)
    assert dedupe.first_seen(key)
    assert not dedupe.first_seen(key)


def test_markers_expire_after_the_configured_ttl(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    default = EventDeduplicator(redis_client, redis_prefix)
    short = EventDeduplicator(redis_client, redis_prefix, ttl_seconds=5)
    default.first_seen("event:EvA")
    short.first_seen("event:EvB")
    assert 3500 < redis_client.ttl(delivery_key(redis_prefix, "event:EvA")) <= 3600
    assert 0 < redis_client.ttl(delivery_key(redis_prefix, "event:EvB")) <= 5
    with pytest.raises(ValueError):
        EventDeduplicator(redis_client, redis_prefix, ttl_seconds=0)


def test_a_double_click_is_two_clicks_but_a_replayed_click_is_one(
    dedupe: EventDeduplicator,
) -> None:
    assert slack_delivery_key(click_body("1700000000.000100")) == (
        "action:U_AGENT:approve:1700000000.000100"
    )
    assert dedupe.first_delivery(click_body("1700000000.000100"))
    assert dedupe.first_delivery(click_body("1700000000.000900"))
    assert not dedupe.first_delivery(click_body("1700000000.000100"))
    # Another agent's click at the same instant is theirs.
    assert dedupe.first_delivery(click_body("1700000000.000100", user="U_OTHER"))


def test_a_view_resubmitted_after_validation_errors_counts_as_new() -> None:
    def submission(trigger_id: str) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "user": {"id": "U_CUSTOMER"},
            "trigger_id": trigger_id,
            "view": {"id": "V1", "hash": "h1", "callback_id": "caller_id_request"},
        }

    first, second = slack_delivery_key(submission("t1")), slack_delivery_key(submission("t2"))
    assert first is not None and second is not None and first != second


def test_shortcuts_and_commands_have_keys_and_handshakes_have_none(
    dedupe: EventDeduplicator,
) -> None:
    shortcut = {
        "type": "shortcut",
        "user": {"id": "U1"},
        "callback_id": "new_sip_account",
        "action_ts": "1700000000.1",
    }
    command = {"command": "/sipdesk", "text": "status", "user_id": "U1", "trigger_id": "tr9"}
    assert slack_delivery_key(shortcut) == "shortcut:U1:new_sip_account:1700000000.1"
    assert slack_delivery_key(command) == "command:tr9"
    handshake = {"type": "url_verification", "challenge": "abc"}
    options_load = {"type": "block_suggestion", "user": {"id": "U1"}, "value": "55"}
    assert slack_delivery_key(handshake) is None
    assert slack_delivery_key(options_load) is None
    assert slack_delivery_key({"type": "block_actions", "actions": []}) is None
    # Nothing to de-duplicate on: always processed.
    assert dedupe.first_delivery(handshake) and dedupe.first_delivery(handshake)
