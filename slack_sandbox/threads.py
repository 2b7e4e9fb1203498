"""Conversations in threads: mentions of the bot, files shared in a thread, replies read back.

Slack sends a mention twice when the app subscribes to both: a `message` event and an
`app_mention` event for the same ts. A file shared in a Slack Connect channel by a partner's
person is announced as a `check_file_info` stub, in its thread like any reply.
"""

from __future__ import annotations

from typing import Any

from slack_sandbox.driving import Driver
from slack_sandbox.sandbox import SlackSandbox
from slack_sandbox.slack_side import CustomerUpload, SlackSide


def mention_bot(
    sandbox: SlackSide, user: str, channel: str, text: str, *, thread_ts: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A person writes `@sipdesk …`; returns the `message` and `app_mention` events Slack sends."""
    message = sandbox.say(user, channel, f"<@{sandbox.bot_user_id}> {text}", thread_ts=thread_ts)
    mention = {
        "type": "app_mention",
        "user": user,
        "user_team": sandbox.user(user).team_id,
        "team": sandbox.user(user).team_id,
        "text": message["text"],
        "ts": message["ts"],
        "event_ts": message["ts"],
        "channel": channel,
    }
    if thread_ts:
        mention["thread_ts"] = thread_ts
    return message, mention


def upload_in_thread(
    sandbox: SlackSide,
    user: str,
    channel: str,
    thread_ts: str,
    name: str,
    content: bytes,
    mimetype: str | None = None,
) -> CustomerUpload:
    """A person shares a file as a reply in a thread."""
    upload = sandbox.upload_file(user, channel, name, content, mimetype)
    with sandbox.world.lock:
        stored = sandbox.world.message(channel, upload.message_event["ts"])
        if stored is not None:
            stored["thread_ts"] = thread_ts
    message = {**upload.message_event, "thread_ts": thread_ts}
    return CustomerUpload(upload.file_id, message, upload.file_shared_event)


def mention_in_thread(
    driver: Driver[Any],
    user: str,
    channel: str,
    text: str,
    *,
    thread_ts: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Like `Driver.mention`, but answers the `app_mention` event sent (its `ts` roots the
    bot's thread), carries `user_team` as Slack Connect does, and may fix the event_id."""
    message, mention = mention_bot(driver.sandbox, user, channel, text, thread_ts=thread_ts)
    driver.event(message)
    driver.event(mention, event_id=event_id)
    return mention


def share_file_in_thread(
    driver: Driver[Any],
    user: str,
    channel: str,
    thread_ts: str,
    name: str,
    content: bytes,
    mimetype: str | None = None,
) -> CustomerUpload:
    """A person shares a file as a reply in a thread; Slack sends both events about it."""
    upload = upload_in_thread(driver.sandbox, user, channel, thread_ts, name, content, mimetype)
    driver.event(upload.message_event)
    driver.event(upload.file_shared_event)
    return upload


def thread_replies(sandbox: SlackSandbox, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """The bot's replies in a thread, oldest first (the root itself left out)."""
    return [
        m
        for m in sandbox.messages(channel)
        if m.get("thread_ts") == thread_ts and m.get("ts") != thread_ts
    ]


def thread_texts(sandbox: SlackSandbox, channel: str, thread_ts: str) -> list[str]:
    return [str(m.get("text", "")) for m in thread_replies(sandbox, channel, thread_ts)]
