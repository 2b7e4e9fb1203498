"""Use case: onboarding a customer's channel from Slack (the bot added to a channel, `/sip link`,
`/sip unlink`, `/sip whois`)."""

from handlers.onboarding.listeners import register

__all__ = ["register"]
