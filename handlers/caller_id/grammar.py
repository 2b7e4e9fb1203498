"""What a person asked, in the one grammar of `/callerid`, mentions and plain phrasing.

`/callerid SIP_ACCOUNT NUMBER|anonymous`, `/callerid voip SIP_ACCOUNT NAME [NUMBER]`, and
"change caller id of SIP_ACCOUNT to NUMBER". A SIP account may be a label of several words, so
the split is made against the names the customer's accounts really have.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers.caller_id.numbers import is_anonymous, looks_like_number

_PLAIN = re.compile(
    r"^(?:please\s+)?(?:change|set|update)\s+(?:the\s+|my\s+)?(?P<voip>voip\s+|internal\s+)?"
    r"(?:pstn\s+|outbound\s+)?caller[\s-]*id\s+(?:of|for|on)\s+(?P<account>.+?)\s+to\s+"
    r"(?P<value>.+?)[.!]?\s*$",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"^\+?[0-9()\- ]{2,20}$")


@dataclass(frozen=True)
class PstnAsk:
    account: str
    value: str  # a number as typed, or "anonymous"


@dataclass(frozen=True)
class VoipAsk:
    account: str
    name: str
    number: str | None


@dataclass(frozen=True)
class OpenModal:
    pass


Ask = PstnAsk | VoipAsk | OpenModal
IsAccount = Callable[[str], bool]


def parse_callerid(text: str, is_account: IsAccount) -> Ask | None:
    """The ask in `/callerid`'s words (without the command); None when it is not one."""
    words = text.split()
    if not words:
        return OpenModal()
    if words[0].lower() == "voip":
        return _voip(words[1:], is_account)
    return _pstn(words, is_account)


def parse_plain(text: str, is_account: IsAccount) -> Ask | None:
    """ "change caller id of Reception desk to +353 1 234 5679" and its close spellings."""
    found = _PLAIN.match(" ".join(text.split()))
    if found is None:
        return None
    account, value = _unquote(found["account"]), found["value"]
    if found["voip"]:
        return _voip([*account.split(), *value.split()], is_account)
    return PstnAsk(account, value)


def _pstn(words: list[str], is_account: IsAccount) -> PstnAsk | None:
    for cut in range(len(words) - 1, 0, -1):
        account, value = _unquote(" ".join(words[:cut])), " ".join(words[cut:])
        if is_account(account) and (is_anonymous(value) or looks_like_number(value)):
            return PstnAsk(account, value)
    # No known account: name the part before the value, so the answer says which is unknown.
    for cut in range(1, len(words)):
        value = " ".join(words[cut:])
        if is_anonymous(value) or looks_like_number(value):
            return PstnAsk(_unquote(" ".join(words[:cut])), value)
    return None


def _voip(words: list[str], is_account: IsAccount) -> VoipAsk | None:
    if len(words) < 2:
        return None
    cut = next(
        (c for c in range(len(words) - 1, 0, -1) if is_account(_unquote(" ".join(words[:c])))),
        1,
    )
    account, rest = _unquote(" ".join(words[:cut])), words[cut:]
    number = None
    if len(rest) > 1 and _EXTENSION.match(rest[-1]):
        number, rest = rest[-1], rest[:-1]
    return VoipAsk(account, _unquote(" ".join(rest)), number)


def _unquote(text: str) -> str:
    return text.strip().strip("\"'“”‘’").strip()
