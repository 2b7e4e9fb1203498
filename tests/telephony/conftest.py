"""Fixtures of the telephony tests; they live in telephony_world so tests can import its types."""

from telephony_world import harness, kamailio, phone, store_db

__all__ = ["harness", "kamailio", "phone", "store_db"]
