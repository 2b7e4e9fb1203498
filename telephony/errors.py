"""Typed errors of the telephony platform, each carrying the sentence to show a person."""

from __future__ import annotations


class TelephonyError(Exception):
    """Base class: `sentence` is what the customer or staff should read."""

    default_sentence = "The telephony platform refused the change."

    def __init__(self, sentence: str | None = None, *, detail: str | None = None) -> None:
        self.sentence = sentence or self.default_sentence
        self.detail = detail  # for logs: what actually went wrong underneath
        super().__init__(self.sentence if detail is None else f"{self.sentence} ({detail})")


class NotFound(TelephonyError):
    """The customer or SIP account does not exist on the platform."""

    default_sentence = "That SIP account or customer does not exist."


class Conflict(TelephonyError):
    """The change clashes with what the platform already holds (e.g. a username taken)."""

    default_sentence = "The change clashes with the current settings of the account."


class InvalidValue(TelephonyError):
    """A value a person typed cannot be applied: a malformed number, a bad caller ID name."""

    default_sentence = "That value cannot be used."


class PlatformUnavailable(TelephonyError):
    """The platform did not answer in time or refused to talk; nothing was changed."""

    default_sentence = (
        "The telephony platform is not answering right now; "
        "the change is queued and will be retried."
    )
