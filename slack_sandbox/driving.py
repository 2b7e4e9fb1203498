"""What Slack sends an app, once for both transports: a driver builds the payload and hands it
to its transport (signed HTTP requests, or envelopes over the Socket Mode link).

A transport answers with its own reply type `R` (an HTTP response, or the ack's payload) and
says which answer Slack would act on after a view submission.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Generic, TypeVar

from slack_sandbox import payloads
from slack_sandbox.slack_side import CustomerUpload, SlackSide

R = TypeVar("R")


class Driver(ABC, Generic[R]):
    """Commands, clicks, submissions and events, as a person's doing in the sandbox's Slack."""

    sandbox: SlackSide

    # -- what each transport does -------------------------------------------------------------

    @abstractmethod
    def _send_command(self, form: dict[str, str]) -> R:
        """A slash command (HTTP: a form post; Socket Mode: `slash_commands`)."""

    @abstractmethod
    def _send_interaction(self, payload: dict[str, Any], *, accepts_response_payload: bool) -> R:
        """Block actions and view submissions (`interactive`)."""

    @abstractmethod
    def _send_event(
        self, envelope: dict[str, Any], *, retry_num: int | None, retry_reason: str | None
    ) -> R:
        """An Events API delivery (`events_api`); a retry says so."""

    @abstractmethod
    def _acted_on(self, reply: R) -> dict[str, Any] | None:
        """The app's answer to a submission as Slack acts on it; None when Slack would not."""

    # -- what Slack sends ---------------------------------------------------------------------

    def slash_command(
        self, command: str, text: str, *, user: str, channel: str, team: str | None = None
    ) -> R:
        form = payloads.slash_command_form(self.sandbox, command, text, user, channel, team)
        return self._send_command(form)

    def block_action(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str | None = None,
        container: dict[str, Any] | None = None,
        view: str | dict[str, Any] | None = None,
        action_type: str = "button",
    ) -> R:
        """A click (or a choice) in a message, or in a modal or Home tab when `view` is given."""
        payload = payloads.block_actions(
            self.sandbox,
            action_id,
            value,
            user=user,
            channel=channel,
            message_ts=message_ts,
            block_id=block_id,
            container=container,
            view=view,
            action_type=action_type,
        )
        return self._send_interaction(payload, accepts_response_payload=False)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user: str,
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> R:
        """A person submits a modal; the sandbox then does what the app's answer asks."""
        payload = payloads.view_submission(
            self.sandbox,
            callback_id,
            values,
            user=user,
            private_metadata=private_metadata,
            view_id=view_id,
        )
        reply = self._send_interaction(payload, accepts_response_payload=True)
        ack = self._acted_on(reply)
        if ack is not None and payloads.is_known_view(self.sandbox, view_id):
            state = payload["view"]["state"]["values"]
            self.sandbox.settle_view_submission(str(view_id), state, ack)
        return reply

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> R:
        """An Events API delivery; a retry carries Slack's retry number and reason."""
        envelope = payloads.event_envelope(self.sandbox, event, event_id)
        return self._send_event(envelope, retry_num=retry_num, retry_reason=retry_reason)

    def say(self, user: str, channel: str, text: str, *, thread_ts: str | None = None) -> R:
        """A person writes in a channel, and Slack tells the app."""
        return self.event(self.sandbox.say(user, channel, text, thread_ts=thread_ts))

    def mention(self, user: str, channel: str, text: str, *, thread_ts: str | None = None) -> R:
        """A person writes `@sipdesk text`: Slack sends the `message` and `app_mention` events."""
        message = self.sandbox.say(
            user, channel, payloads.mention_text(self.sandbox, text), thread_ts=thread_ts
        )
        self.event(message)
        return self.event(payloads.app_mention(self.sandbox, message))

    def share_file(
        self,
        user: str,
        channel: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
        *,
        comment: str = "",
    ) -> CustomerUpload:
        """A person shares a file; Slack sends the app its `message` and `file_shared` events."""
        upload = self.sandbox.upload_file(user, channel, name, content, mimetype, comment=comment)
        self.event(upload.message_event)
        self.event(upload.file_shared_event)
        return upload

    def options(
        self, action_id: str, typed: str, *, user: str, channel: str, message_ts: str
    ) -> list[dict[str, Any]]:
        """A person types in a message's `external_select`: the options the app answers."""
        payload = payloads.block_suggestion(
            self.sandbox, action_id, typed, user=user, channel=channel, message_ts=message_ts
        )
        answer = self._acted_on(self._send_interaction(payload, accepts_response_payload=False))
        options = (answer or {}).get("options")
        return list(options) if isinstance(options, list) else []

    def add_to_channel(self, channel: str, user: str, *, inviter: str | None = None) -> R:
        """`user` (the bot, too) is added to `channel`, and Slack tells the app."""
        with self.sandbox.world.lock:
            members = self.sandbox.world.channels[channel].members
            if user not in members:
                members.append(user)
        return self.event(payloads.member_joined_channel(self.sandbox, channel, user, inviter))

    def app_home_opened(self, user: str) -> R:
        return self.event(payloads.app_home_opened(self.sandbox, user))
