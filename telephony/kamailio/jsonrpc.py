"""Kamailio's JSON-RPC over HTTP (`jsonrpcs` + `xhttp`), and registrations from `ul.dump`."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from store.types import utcnow
from telephony.errors import PlatformUnavailable
from telephony.kamailio.contacts import source_of, username_of
from telephony.types import Contact, Registrations

DEFAULT_TIMEOUT = 5.0
_NOT_FOUND = "AOR not found"
_UNAVAILABLE = "The SIP server is not answering, so registrations are unknown for now."


class KamailioRpc:
    """A JSON-RPC client for one Kamailio, every call bounded by `timeout` seconds."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        """The `result` of `method`; PlatformUnavailable on no answer or an RPC error."""
        body: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": next(self._ids)}
        if params:
            body["params"] = list(params)
        try:
            response = httpx.post(self.url, json=body, timeout=self.timeout)
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PlatformUnavailable(_UNAVAILABLE, detail=f"{method}: {exc!r}") from exc
        if not isinstance(answer, dict) or "error" in answer or "result" not in answer:
            raise PlatformUnavailable(_UNAVAILABLE, detail=f"{method}: {answer!r:.300}")
        return answer["result"]


class UlDump:
    """Registrations read from usrloc's memory with `ul.dump`.

    Fine for small and medium registrars; Kamailio's reply grows with every AoR and fails on
    very large tables, where LocationTable is the way.
    """

    def __init__(self, rpc: KamailioRpc) -> None:
        self.rpc = rpc

    def registrations(self) -> Registrations:
        """Every contact usrloc holds, with `Expires` read as seconds left or "expired"."""
        read_at = utcnow()
        result = self.rpc.call("ul.dump")
        try:
            return parse_ul_dump(result, read_at)
        except (KeyError, TypeError, ValueError) as exc:
            raise PlatformUnavailable(
                _UNAVAILABLE, detail=f"ul.dump not understood: {exc!r}"
            ) from exc

    def contacts_of(self, username: str, domain: str) -> tuple[Contact, ...]:
        """One account's contacts, with `ul.lookup` (no dump of every AoR); () when none."""
        read_at = utcnow()
        try:
            result = self.rpc.call("ul.lookup", "location", f"{username}@{domain}")
        except PlatformUnavailable as error:
            if _NOT_FOUND in (error.detail or ""):
                return ()  # usrloc's answer for an AoR with no contact at all
            raise
        try:
            return tuple(_contact(item["Contact"], read_at) for item in result["Contacts"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PlatformUnavailable(
                _UNAVAILABLE, detail=f"ul.lookup not understood: {exc!r}"
            ) from exc


def parse_ul_dump(result: Any, read_at: datetime) -> Registrations:
    """Registrations from the `result` of `ul.dump` (Kamailio 5.x layout)."""
    pairs: list[tuple[str, Contact]] = []
    for domain in result["Domains"]:
        for aor in domain["Domain"]["AoRs"]:
            info = aor["Info"]
            username = username_of(str(info["AoR"]))
            for item in info["Contacts"]:
                pairs.append((username, _contact(item["Contact"], read_at)))
    return Registrations.from_pairs(pairs, read_at)


def _contact(contact: dict[str, Any], read_at: datetime) -> Contact:
    expires_at, expired = _expiry(contact["Expires"], read_at)
    address = str(contact["Address"])
    modified = contact.get("Last-Modified")
    return Contact(
        contact_uri=address,
        user_agent=str(contact.get("User-Agent") or ""),
        source=source_of(contact.get("Received"), address),
        expires_at=expires_at,
        expired=expired,
        # usrloc's Last-Modified: the Unix time of the contact's last REGISTER
        registered_at=datetime.fromtimestamp(modified, UTC) if isinstance(modified, int) else None,
    )


def _expiry(value: Any, read_at: datetime) -> tuple[datetime | None, bool]:
    # Kamailio prints seconds left, then "expired" until its timer sweeps the contact;
    # "permanent" for contacts saved without expiry.
    if value == "expired":
        return read_at, True
    if value == "permanent":
        return None, False
    seconds = int(value)
    return read_at + timedelta(seconds=seconds), seconds <= 0
