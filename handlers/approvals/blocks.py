"""Block Kit of the staff approval card: plain functions from typed data to blocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.approvals.why import why_staff_decide
from handlers.callback.blocks import proof_context, proof_line
from handlers.mrkdwn import clip, escape
from handlers.request_facts import RequestFacts

Block = dict[str, Any]

APPROVE = "approval_approve"
REJECT = "approval_reject"
ANOTHER_BILL = "approval_another_bill"
RETRY = "approval_retry"
REJECT_REASON_VIEW = "approval_reject_reason"
REASON_BLOCK, REASON_INPUT = "reason", "reason_input"
SEND_LINK_AGAIN = "approval_send_link_again"
SEND_LINK_LABEL = "Send the link again"
SEND_LINK_VIEW = "approval_send_link"
RECIPIENT_BLOCK, RECIPIENT_INPUT = "recipient", "recipient_input"


@dataclass(frozen=True)
class BillCheck:
    icon: str  # ✅ ⚠️ ❌
    text: str


@dataclass(frozen=True)
class BillFacts:
    verdict: str
    checks: list[BillCheck]
    bill_date: str | None
    issuer: str | None


@dataclass(frozen=True)
class Outcome:
    """What the card says once a decision is taken; `retry` puts the Retry button back,
    `send_link` offers a new account's credentials link again (it reached nobody)."""

    line: str
    retry: bool = False
    send_link: bool = False


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def card_text(facts: RequestFacts) -> str:
    return f"{facts.customer_name}: {facts.summary()}"


def card_blocks(
    facts: RequestFacts, ref: str, bill: BillFacts | None, outcome: Outcome | None
) -> list[Block]:
    fields = [
        f"*Customer*\n{escape(facts.customer_name)}",
        f"*Requested by*\n<@{facts.requested_by}>",
    ]
    if facts.account:
        fields.append(f"*SIP account*\n{escape(facts.account)}")
    fields += [f"*Old*\n{escape(facts.old_value)}", f"*New*\n{escape(facts.new_value)}"]
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f"Request #{facts.id} · {facts.title}"},
        },
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": clip(f, 2000)} for f in fields],
        },
    ]
    blocks.append(_section(f"*Why staff decide*: {escape(why_staff_decide(facts))}"))
    cost = facts.details.get("cost_text")
    if cost:
        blocks.append(_section(f"*Cost accepted by the customer*: {escape(str(cost))}"))
    proof = facts.details.get("callback_proof")
    if isinstance(proof, dict):
        at = datetime.fromisoformat(str(proof["at"]))
        blocks.append(_section(proof_line(at)))
        context = proof_context(str(proof.get("number")), str(proof.get("from")), at)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    if bill is not None:
        checks = "\n".join(f"{c.icon} {escape(c.text)}" for c in bill.checks)
        blocks.append(_section(f"*Bill checks* (verdict: {bill.verdict})\n{checks}"))
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Bill date: {bill.bill_date or 'not found'} · "
                        f"Issuer: {escape(bill.issuer or 'not recognised')}",
                    }
                ],
            }
        )
    if outcome is None:
        buttons = [
            _button("Approve", APPROVE, ref, "primary"),
            _button("Reject", REJECT, ref, "danger"),
        ]
        if facts.has_bill:
            buttons.append(_button("Ask for another bill", ANOTHER_BILL, ref))
        blocks.append({"type": "actions", "block_id": "decision", "elements": buttons})
        return blocks
    blocks.append(_section(outcome.line))
    if outcome.retry:
        blocks.append(
            {"type": "actions", "block_id": "retry", "elements": [_button("Retry", RETRY, ref)]}
        )
    if outcome.send_link:
        button = _button(SEND_LINK_LABEL, SEND_LINK_AGAIN, ref, "primary")
        blocks.append({"type": "actions", "block_id": "send_link", "elements": [button]})
    return blocks


def send_link_modal(ref: str, facts: RequestFacts) -> Block:
    """Who gets a fresh one-time link to the new account's password: the requester by default."""
    return {
        "type": "modal",
        "callback_id": SEND_LINK_VIEW,
        "private_metadata": ref,
        "title": {"type": "plain_text", "text": SEND_LINK_LABEL},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _section(
                f"{escape(facts.summary())}\nThe account gets a new password, behind a new "
                "one-time link shown only to the person you choose; earlier links stop working."
            ),
            {
                "type": "input",
                "block_id": RECIPIENT_BLOCK,
                "label": {
                    "type": "plain_text",
                    "text": "Send it to (a member of the customer's channel)",
                },
                "element": {
                    "type": "users_select",
                    "action_id": RECIPIENT_INPUT,
                    "initial_user": facts.requested_by,
                },
            },
        ],
    }


def reject_modal(ref: str, facts: RequestFacts) -> Block:
    return {
        "type": "modal",
        "callback_id": REJECT_REASON_VIEW,
        "private_metadata": ref,
        "title": {"type": "plain_text", "text": f"Reject request #{facts.id}"[:24]},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _section(escape(facts.summary())),
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": {"type": "plain_text", "text": "Reason (the customer sees it)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "max_length": 500,
                },
            },
        ],
    }
