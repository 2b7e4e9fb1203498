"""Use case: watch every SIP account and tell the right people once when one is Down.

The scheduler polls (`flow.Watch`), the registrar may push (`push`), people silence and set
quiet hours (`listeners`). The two-devices warning's button has action id
`watch_new_sip_account` and the shared account's username as its value."""

from handlers.watch.listeners import register

__all__ = ["register"]
