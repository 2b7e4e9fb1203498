"""The handle request tests get: the sandbox, the running bot and its worker, and read-backs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.runtime import Runtime
from bot.web import HttpServer
from bot.worker import JobWorker
from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox
from slack_sandbox.threads import thread_texts
from store.models import AuditEvent, Request, SipAccount


@dataclass
class Desk:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    server: HttpServer
    slack: SlackDriver
    worker: JobWorker

    def close(self) -> None:
        self.worker.stop()
        self.slack.close()
        self.server.stop()
        self.runtime.close()
        self.sandbox.stop()

    # -- the database ---------------------------------------------------------------------

    def requests(self) -> list[Request]:
        with self.runtime.db.session() as session:
            return list(session.scalars(select(Request).order_by(Request.id)))

    def request(self, request_id: int) -> Request:
        with self.runtime.db.session() as session:
            found = session.get(Request, request_id)
            assert found is not None
            return found

    def account(self, username: str) -> SipAccount:
        with self.runtime.db.session() as session:
            found = session.scalar(select(SipAccount).where(SipAccount.username == username))
            assert found is not None
            return found

    def trail(self, request_id: int) -> list[tuple[str, str, str | None]]:
        """(actor, action, to_state) of every audit row of the request."""
        with self.runtime.db.session() as session:
            rows = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.request_id == request_id)
                .order_by(AuditEvent.id)
            )
            return [(r.actor, r.action, r.to_state) for r in rows]

    def refusals(self) -> list[AuditEvent]:
        with self.runtime.db.session() as session:
            return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")))

    # -- Slack ------------------------------------------------------------------------------

    def wait_state(self, request_id: int, state: str, seconds: float = 20.0) -> Request:
        found = self.sandbox.eventually(
            lambda: self.request(request_id).state.value == state, seconds
        )
        assert found, f"request #{request_id} is {self.request(request_id).state}, not {state}"
        return self.request(request_id)

    def thread(self, request_id: int) -> list[str]:
        request = self.request(request_id)
        assert request.customer_message_ts is not None
        root = self.sandbox.message(request.channel_id, request.customer_message_ts)
        said = [str(root.get("text", ""))] if root and root.get("bot_id") else []
        return said + thread_texts(self.sandbox, request.channel_id, request.customer_message_ts)

    def wait_thread(self, request_id: int, words: str, seconds: float = 20.0) -> list[str]:
        said = self.sandbox.eventually(
            lambda: [t for t in self._thread_or_empty(request_id) if words in t], seconds
        )
        assert said, f"the thread never said {words!r}: {self._thread_or_empty(request_id)}"
        return self.thread(request_id)

    def _thread_or_empty(self, request_id: int) -> list[str]:
        try:
            return self.thread(request_id)
        except AssertionError:
            return []

    def card(self, request_id: int) -> dict[str, Any]:
        request = self.request(request_id)
        assert request.staff_message_ts is not None
        card = self.sandbox.message(self.world.staff_channel, request.staff_message_ts)
        assert card is not None
        return card

    def wait_card(self, request_id: int, seconds: float = 20.0) -> dict[str, Any]:
        self.sandbox.eventually(lambda: self.request(request_id).staff_message_ts, seconds)
        return self.card(request_id)

    def click(self, user: str, action_id: str, request_id: int) -> Any:
        card = self.card(request_id)
        value = button_value(card, action_id)
        return self.slack.block_action(
            action_id, value, user=user, channel=self.world.staff_channel, message_ts=card["ts"]
        )

    def ephemerals_to(self, user: str) -> list[str]:
        shown = [e["message"].get("text", "") for e in self.sandbox.ephemerals(user=user)]
        return [str(t) for t in shown]


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button on {message.get('text')!r}")


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        str(e["text"]["text"])
        for b in message.get("blocks", [])
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]


def card_text(message: dict[str, Any]) -> str:
    parts: list[str] = []
    for block in message.get("blocks", []):
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
        for field in block.get("fields", []) or []:
            parts.append(str(field.get("text", "")))
        for element in block.get("elements", []) or []:
            if element.get("type") == "mrkdwn":
                parts.append(str(element.get("text", "")))
    return "\n".join(parts)
