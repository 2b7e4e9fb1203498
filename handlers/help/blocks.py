"""Block Kit for the help answers: plain functions from data to blocks."""

from __future__ import annotations

from typing import Any

from handlers.mrkdwn import quote

Block = dict[str, Any]

# Escaping may grow the text fivefold (& is &amp;); 300 stays far inside a 3,000-character section
UNKNOWN_WORD_LIMIT = 300

SIP_LINES = (
    ("/sip status", "your SIP accounts and whether each is Up or Down"),
    ("/sip status SIP_ACCOUNT", "that account, and the devices the platform sees registered now"),
    ("/sip history SIP_ACCOUNT [N]", "what was asked and changed on that account, newest first"),
    (
        "/sip new LABEL",
        "ask for a new SIP account (one device per account; may cost money on your plan)",
    ),
    (
        "/sip password SIP_ACCOUNT",
        "a new password for a SIP account (its device stops working until it gets it)",
    ),
    ("/sip menu", "support staff: post the buttons for asking in this channel"),
    ("/sip whois", "to which customer this channel is linked"),
    ("/sip link CUSTOMER_REF", "support staff: link this channel to a customer"),
    ("/sip unlink", "support staff: unlink this channel (asks first)"),
    ("/sip silence SIP_ACCOUNT|all DURATION [reason]", "mute Down alerts for a while (`2h`, `1d`)"),
    ("/sip silences", "the silences in force; `/sip unsilence ID|SIP_ACCOUNT|all` ends them"),
    ("/sip quiet 19:00-08:00", "no Down alerts in this channel at those hours (`off` to stop)"),
    ("/sip digest CRON|off", "when this channel's digest of Down accounts comes"),
)
CALLERID_LINES = (
    ("/callerid SIP_ACCOUNT NUMBER|anonymous", "the number a SIP account shows on calls to phones"),
    ("/callerid voip SIP_ACCOUNT NAME [NUMBER]", "the name shown on calls to our other accounts"),
    ("/callerid", "a form for either"),
)
# Both commands list everything the bot does; each names its own help last.
SIP_HELP = (*SIP_LINES, *CALLERID_LINES, ("/sip help", "this message"))
CALLERID_HELP = (*CALLERID_LINES, *SIP_LINES, ("/callerid help", "this message"))


def help_blocks(command: str, unknown: str | None = None) -> list[Block]:
    lines = SIP_HELP if command == "/sip" else CALLERID_HELP
    blocks: list[Block] = []
    if unknown:
        # What the person typed: escaped (no <!channel> or mentions) and cut to fit a section.
        said = quote(unknown, UNKNOWN_WORD_LIMIT)
        blocks.append(
            _section(f":grey_question: I don't know `{command} {said}`. Here is what I can do:")
        )
    blocks.append(_section("\n".join(f"*`{usage}`* — {what}" for usage, what in lines)))
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Ask in this channel; our support team sees every request.",
                }
            ],
        }
    )
    return blocks


def help_text(command: str) -> str:
    lines = SIP_HELP if command == "/sip" else CALLERID_HELP
    return "\n".join(f"{usage}: {what}" for usage, what in lines)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
