"""Message metadata as Slack keeps it: stored with the message, shown by conversations.history
only with include_all_metadata; sipdesk's notifier finds its own message by the key in it."""

from __future__ import annotations

import pytest
import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.notify import SlackNotifier, post_once
from slack_sandbox import DemoWorld, SlackSandbox
from store.rate_limit import ChannelRateLimiter

KEYED = {"event_type": "sipdesk_message", "event_payload": {"key": "alert-7"}}


def test_metadata_rides_with_the_message_and_history_shows_it_only_when_asked(
    world: DemoWorld, client: WebClient
):
    posted = client.chat_postMessage(channel=world.globex_channel, text="Down", metadata=KEYED)
    client.chat_postMessage(
        channel=world.globex_channel, text="in its thread", thread_ts=posted["ts"]
    )
    client.chat_postMessage(channel=world.globex_channel, text="later, no metadata")

    plain = client.conversations_history(channel=world.globex_channel)["messages"]
    assert [m["text"] for m in plain] == ["later, no metadata", "Down"]  # newest first, no replies
    assert all("metadata" not in m for m in plain)

    full = client.conversations_history(channel=world.globex_channel, include_all_metadata=True)
    assert full["messages"][1]["metadata"] == KEYED
    assert "metadata" not in full["messages"][0]


def test_history_comes_in_pages(world: DemoWorld, client: WebClient):
    for n in range(5):
        client.chat_postMessage(channel=world.staff_channel, text=f"card {n}")
    first = client.conversations_history(channel=world.staff_channel, limit=3)
    assert [m["text"] for m in first["messages"]] == ["card 4", "card 3", "card 2"]
    assert first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=world.staff_channel, limit=3, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["card 1", "card 0"]
    assert not rest["has_more"]


def test_metadata_without_an_event_type_is_refused_as_slack_does(
    world: DemoWorld, client: WebClient
):
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(
            channel=world.globex_channel, text="x", metadata={"event_payload": {"key": "k"}}
        )
    assert refused.value.response["error"] == "invalid_metadata_schema"


def test_a_keyed_post_after_a_crash_adopts_the_message_slack_already_has(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    notifier = SlackNotifier(client)
    ts = notifier.post(world.staff_channel, "Request #3 card", key="card-3-1764600000")
    client.chat_postMessage(channel=world.staff_channel, text="something else since")

    again = post_once(
        notifier, world.staff_channel, "Request #3 card", None, key="card-3-1764600000", again=True
    )
    assert again == ts
    assert [m["text"] for m in sandbox.messages(world.staff_channel)].count("Request #3 card") == 1
    # A key Slack never saw (the first post failed): posted now, once.
    fresh = post_once(
        notifier, world.staff_channel, "Request #4 card", None, key="card-4", again=True
    )
    assert fresh != ts
    assert notifier.find_posted(world.staff_channel, "card-4") == fresh


def test_a_thread_reads_back_root_first_with_metadata_only_when_asked(
    world: DemoWorld, client: WebClient
):
    root = client.chat_postMessage(channel=world.globex_channel, text="Down")["ts"]
    client.chat_postMessage(channel=world.globex_channel, text="elsewhere")
    client.chat_postMessage(
        channel=world.globex_channel, text="Back Up", thread_ts=root, metadata=KEYED
    )

    plain = client.conversations_replies(channel=world.globex_channel, ts=root)["messages"]
    assert [m["text"] for m in plain] == ["Down", "Back Up"]
    assert all("metadata" not in m for m in plain)
    full = client.conversations_replies(
        channel=world.globex_channel, ts=root, include_all_metadata=True
    )
    assert full["messages"][1]["metadata"] == KEYED
    with pytest.raises(SlackApiError) as refused:
        client.conversations_replies(channel=world.globex_channel, ts="1.000001")
    assert refused.value.response["error"] == "thread_not_found"


def test_a_keyed_reply_is_found_in_its_thread_not_in_the_channel_history(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    notifier = SlackNotifier(client)
    root = notifier.post(world.globex_channel, "Down", key="alert-9")
    reply = notifier.post(world.globex_channel, "Back Up", thread_ts=root, key="back-9-1")

    assert notifier.find_posted(world.globex_channel, "back-9-1") is None  # history: no replies
    assert notifier.find_posted(world.globex_channel, "back-9-1", thread_ts=root) == reply
    again = post_once(
        notifier, world.globex_channel, "Back Up", None, key="back-9-1", again=True, thread_ts=root
    )
    assert again == reply
    texts = [m["text"] for m in sandbox.messages(world.globex_channel)]
    assert texts.count("Back Up") == 1


def test_only_new_messages_wait_for_the_channels_pace_edits_and_ephemerals_do_not(
    world: DemoWorld, client: WebClient, redis_client: redis.Redis, redis_prefix: str
):
    waits: list[float] = []
    limiter = ChannelRateLimiter(
        redis_client, redis_prefix, rate_per_second=1.0, burst=1, sleep=waits.append
    )
    notifier = SlackNotifier(client, limiter)
    card = notifier.post(world.staff_channel, "Request #1 card")
    notifier.post(world.staff_channel, "Request #2 card")
    assert len(waits) == 1 and waits[0] > 0.5  # the second card waited for its slot

    # Slack's one-message-a-second is for messages; an edit (a decided card) and an ephemeral
    # have tiers of their own, so they do not queue behind the channel's next cards.
    notifier.update(world.staff_channel, card, "Request #1 approved")
    notifier.ephemeral(world.staff_channel, world.alice, "Approved.")
    assert len(waits) == 1
