"""Reading usrloc's view of a contact: whose it is and where it registered from."""

from __future__ import annotations

NOT_SET = "[not set]"  # how Kamailio's RPC prints an empty field


def username_of(aor: str) -> str:
    """The username of an AoR, which is `user` or `user@domain` depending on use_domain."""
    return aor.split("@", 1)[0]


def hostport_of(uri: str) -> str:
    """The host[:port] of a SIP URI (`sip:user@1.2.3.4:5060;transport=udp` -> `1.2.3.4:5060`)."""
    rest = uri.strip().strip("<>")
    for scheme in ("sips:", "sip:"):
        if rest.lower().startswith(scheme):
            rest = rest[len(scheme) :]
            break
    rest = rest.rsplit("@", 1)[-1]
    for stop in (";", "?", ">"):
        rest = rest.split(stop, 1)[0]
    return rest


def source_of(received: str | None, contact_uri: str) -> str | None:
    """Where the REGISTER came from: usrloc's `received` when set, else the contact's host."""
    if received and received != NOT_SET:
        return hostport_of(received)
    host = hostport_of(contact_uri)
    return host or None
