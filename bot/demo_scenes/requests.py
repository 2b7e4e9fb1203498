"""Demo scene: customers ask for caller IDs and a SIP account; staff decide on the cards."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from bot.demo_scenes.demo_bill import demo_bill
from handlers.approvals.blocks import REASON_BLOCK, REASON_INPUT, REJECT_REASON_VIEW
from slack_sandbox.threads import share_file_in_thread, thread_replies
from store.models import Request, SipAccount

if TYPE_CHECKING:
    from bot.demo import Stage

Print = Callable[[str], None]
WAIT = 60.0


def play(stage: Stage, out: Print) -> None:
    _scene(Scene(stage, out))


class Scene:
    def __init__(self, stage: Stage, out: Print) -> None:
        self.stage, self.out = stage, out
        self.w, self.slack, self.sandbox = stage.world, stage.slack, stage.sandbox
        self.shown: dict[str, int] = {}  # thread root -> replies already printed
        # The demo may run again on the same database: count this run's requests only.
        with stage.runtime.db.session() as session:
            self.before = session.scalar(select(func.max(Request.id))) or 0
            self.labels = {a.label for a in session.scalars(select(SipAccount))}

    def free_label(self, label: str) -> str:
        """`label`, or `label (2)`, … when an earlier run already made that account."""
        n, candidate = 1, label
        while candidate in self.labels:
            n += 1
            candidate = f"{label} ({n})"
        return candidate

    def name(self, key: str) -> str:
        return self.stage.names.get(key, key)

    def command(self, user: str, channel: str, command: str, text: str) -> None:
        self.out(f"[{self.name(channel)}] {self.name(user)}: {command} {text}")
        before = len(self.sandbox.responses)
        self.slack.slash_command(command, text, user=user, channel=channel)
        replies = self.sandbox.eventually(
            lambda: self.sandbox.responses[before:] if len(self.sandbox.responses) > before else [],
            2.0,
        )
        for reply in replies:
            self.out(f"[{self.name(channel)}] sipdesk (only visible to you):")
            self.out(_indent(reply.body.get("text", "")))

    def newest_request(self, count: int) -> Request:
        def find() -> Request | None:
            with self.stage.runtime.db.session() as session:
                rows = list(
                    session.scalars(
                        select(Request).where(Request.id > self.before).order_by(Request.id)
                    )
                )
            return rows[-1] if len(rows) >= count and rows[-1].customer_message_ts else None

        found = self.sandbox.eventually(find, WAIT)
        assert found is not None, "the bot made no request"
        return found

    def state(self, request_id: int, wanted: str) -> Request:
        def reached() -> Request | None:
            with self.stage.runtime.db.session() as session:
                request = session.get(Request, request_id)
            return request if request is not None and request.state.value == wanted else None

        found = self.sandbox.eventually(reached, WAIT)
        assert found is not None, f"request #{request_id} never became {wanted}"
        return found

    def thread(self, request: Request, until: str) -> None:
        """Print the request's thread up to (and with) a message containing `until`."""
        root = str(request.customer_message_ts)
        channel = request.channel_id

        def said() -> list[dict[str, Any]]:
            replies = thread_replies(self.sandbox, channel, root)
            return replies if any(until in str(m.get("text")) for m in replies) else []

        replies = self.sandbox.eventually(said, WAIT)
        first = self.sandbox.message(channel, root)
        if root not in self.shown and first is not None and first.get("bot_id"):
            self.out(f"[{self.name(channel)}] sipdesk:")
            self.out(_indent(self.people(_text(first))))
        for message in replies[self.shown.get(root, 0) :]:
            self.out(f"[{self.name(channel)}] sipdesk, in the thread:")
            self.out(_indent(self.people(_text(message))))
        self.shown[root] = len(replies)

    def card(self, request_id: int, until: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            with self.stage.runtime.db.session() as session:
                request = session.get(Request, request_id)
            ts = request.staff_message_ts if request is not None else None
            card = self.sandbox.message(self.w.staff_channel, ts) if ts else None
            return card if card is not None and until(card) else None

        card = self.sandbox.eventually(found, WAIT)
        assert card is not None, f"no card for request #{request_id}"
        self.out(f"[{self.name(self.w.staff_channel)}] sipdesk:")
        self.out(_indent(self.people(_text(card))))
        return card

    def people(self, text: str) -> str:
        """`<@U…>` as Slack shows it: the person's name."""
        return re.sub(r"<@([A-Z0-9]+)>", lambda m: "@" + self.name(m[1]).split(" ", 1)[0], text)

    def click(
        self, user: str, card: dict[str, Any], label: str, channel: str | None = None
    ) -> None:
        where = channel or self.w.staff_channel
        self.out(f"[{self.name(where)}] {self.name(user)} clicks [ {label} ]")
        action_id, value = _button(card, label)
        self.slack.block_action(action_id, value, user=user, channel=where, message_ts=card["ts"])


def _scene(s: Scene) -> None:
    w, out = s.w, s.out
    out("--- caller IDs: self-service, staff approval, a bill as proof ---\n")
    s.command(w.carol, w.globex_channel, "/callerid", "k3x9q2m7ab +353 1 234 5679")
    domestic = s.newest_request(1)
    s.thread(domestic, "Applied")

    s.command(w.carol, w.globex_channel, "/callerid", "nosuchphone +353 1 234 5679")

    asked = "callerid Reception desk +44 20 7946 0123"
    out(f"[{s.name(w.globex_channel)}] {s.name(w.carol)}: @sipdesk {asked}")
    s.slack.mention(w.carol, w.globex_channel, asked)
    international = s.newest_request(2)
    s.thread(international, "with our support team")
    card = s.card(international.id, lambda c: "Approve" in _text(c))
    s.click(w.carol, card, "Approve")
    refused = s.sandbox.eventually(lambda: s.sandbox.responses[-1:], 5.0)
    for reply in refused:
        out(
            f"[{s.name(w.staff_channel)}] sipdesk (only visible to carol): {reply.body.get('text')}"
        )
    s.click(w.alice, card, "Approve")
    s.state(international.id, "applied")
    s.card(international.id, lambda c: "applied" in _text(c))
    s.thread(international, "Applied")

    asked = "callerid voip Warehouse office Warehouse 200"
    out(f"[{s.name(w.initech_channel)}] {s.name(w.dave)}: @sipdesk {asked}")
    s.slack.mention(w.dave, w.initech_channel, asked)
    voip = s.newest_request(3)
    card = s.card(voip.id, lambda c: "Approve" in _text(c))
    s.click(w.bob, card, "Reject")
    form = s.sandbox.eventually(lambda: s.sandbox.last_view(w.bob), 10)
    assert form is not None
    reason = "Extension 200 is the front office's; pick another number."
    out(f"[{s.name(w.staff_channel)}] {s.name(w.bob)} gives the reason: {reason}")
    s.slack.view_submission(
        REJECT_REASON_VIEW,
        {REASON_BLOCK: {REASON_INPUT: reason}},
        user=w.bob,
        view_id=str(form["id"]),
    )
    s.state(voip.id, "rejected")
    s.card(voip.id, lambda c: "Rejected" in _text(c))
    s.thread(voip, "rejected")

    s.command(w.carol, w.globex_channel, "/callerid", "p8w4n6t1cz +353 1 765 4321")
    proof = s.newest_request(4)
    s.thread(proof, "phone bill")
    issued = dt.date.today() - dt.timedelta(days=9)
    for name, billed, until in (
        ("old-bill.pdf", "(01) 999 0000", "does not prove"),
        ("bill.pdf", "(01) 765 4321", "Bill checked"),
    ):
        out(f"[{s.name(w.globex_channel)}] {s.name(w.carol)} shares {name} in the thread")
        bill = demo_bill("Globex Dental Care Limited", billed, issued)
        root = str(proof.customer_message_ts)
        share_file_in_thread(
            s.slack, w.carol, w.globex_channel, root, name, bill, "application/pdf"
        )
        s.thread(proof, until)
    card = s.card(proof.id, lambda c: "Bill checks" in _text(c))
    uploads = s.sandbox.eventually(lambda: s.sandbox.calls_to("files.completeUploadExternal"), 10)
    if uploads:
        out(_indent("(the highlight crop of the bill is uploaded into the card's thread)"))
    s.click(w.bob, card, "Approve")
    s.state(proof.id, "applied")
    s.thread(proof, "Applied")

    out("--- a new SIP account: the cost accepted, staff approve, credentials to the asker ---\n")
    s.command(w.carol, w.globex_channel, "/sip", f"new {s.free_label('Front desk')}")
    new_sip = s.newest_request(5)
    s.thread(new_sip, "costs")
    offer = thread_replies(s.sandbox, w.globex_channel, str(new_sip.customer_message_ts))[-1]
    s.click(w.carol, offer, "Accept", channel=w.globex_channel)
    card = s.card(new_sip.id, lambda c: "Approve" in _text(c))
    s.click(w.alice, card, "Approve")
    s.state(new_sip.id, "applied")
    s.thread(new_sip, "Applied")
    secret = s.sandbox.eventually(lambda: s.sandbox.ephemerals(user=w.carol)[-1:], 10)
    for shown in secret:
        # The demo's transcript is printed: the password is masked here, as a screenshot would be.
        text = re.sub(r"password `[^`]+`", "password `••••••••`", str(shown["message"]["text"]))
        out(f"[{s.name(w.globex_channel)}] sipdesk (only visible to carol): {text}")

    out("\n--- the menu staff post in a customer channel ---\n")
    s.out(f"[{s.name(w.initech_channel)}] {s.name(w.bob)}: /sip menu")
    s.slack.slash_command("/sip", "menu", user=w.bob, channel=w.initech_channel)
    menu = s.sandbox.eventually(lambda: s.sandbox.messages(w.initech_channel)[-1:], 10)
    for message in menu:
        out(f"[{s.name(w.initech_channel)}] sipdesk:")
        out(_indent(_text(message)))


def _text(message: dict[str, Any]) -> str:
    blocks = message.get("blocks")
    if not blocks:
        return str(message.get("text", ""))
    lines: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            lines.append(str(text.get("text", "")))
        fields = block.get("fields") or []
        if fields:
            lines.append(" · ".join(str(f.get("text", "")).replace("\n", ": ") for f in fields))
        labels = []
        for element in block.get("elements", []) or []:
            if element.get("type") == "button":
                labels.append(f"[ {element['text']['text']} ]")
            elif element.get("type") == "mrkdwn":
                lines.append(str(element.get("text", "")))
        if labels:
            lines.append(" ".join(labels))
    return "\n".join(lines)


def _button(message: dict[str, Any], label: str) -> tuple[str, str]:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) or []:
            if element.get("type") == "button" and element["text"]["text"] == label:
                return str(element["action_id"]), str(element.get("value", ""))
    raise AssertionError(f"no [ {label} ] button")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()) + "\n"
