"""Build the configured platform from plain values (the bot reads them from its settings)."""

from __future__ import annotations

from store.db import Database
from telephony.builtin import BuiltinPlatform
from telephony.feed import RegistrationsFeed
from telephony.kamailio.adapter import KamailioPlatform
from telephony.kamailio.jsonrpc import KamailioRpc, UlDump
from telephony.kamailio.location_table import LocationTable
from telephony.kamailio.tables import kamailio_engine
from telephony.platform import RegistrationsSource, TelephonyPlatform

DEFAULT_TIMEOUT = 5.0


def build_platform(
    kind: str,
    *,
    database: Database,
    sip_domain: str,
    registrations_feed: str | None = None,
    kamailio_db_url: str | None = None,
    kamailio_jsonrpc_url: str | None = None,
    kamailio_registrations_source: str = "jsonrpc",
    kamailio_timezone: str = "UTC",
    timeout: float = DEFAULT_TIMEOUT,
) -> TelephonyPlatform:
    """The platform of `kind` ("builtin" or "kamailio"); ValueError names a missing setting.

    - builtin: SIP accounts in `database`; registrations from `registrations_feed` (a JSON
      file path or HTTP(S) URL), or unknown when it is None.
    - kamailio: `kamailio_db_url` (Kamailio's own database; postgres:// accepted) and, with
      `kamailio_registrations_source` "jsonrpc", `kamailio_jsonrpc_url`
      (http://host:port/RPC); with "location_table" the usrloc table is read instead
      (`kamailio_timezone` is the zone Kamailio writes its local times in).
    Every network call gives up after `timeout` seconds with PlatformUnavailable.
    """
    if kind == "builtin":
        feed = (
            RegistrationsFeed(registrations_feed, timeout=timeout) if registrations_feed else None
        )
        return BuiltinPlatform(database, sip_domain=sip_domain, registrations_source=feed)
    if kind != "kamailio":
        raise ValueError(f"unknown telephony platform {kind!r} (builtin or kamailio)")
    if not kamailio_db_url:
        raise ValueError("the Kamailio platform needs the URL of Kamailio's database")
    engine = kamailio_engine(kamailio_db_url, timeout=timeout)
    source: RegistrationsSource
    rpc = KamailioRpc(kamailio_jsonrpc_url, timeout=timeout) if kamailio_jsonrpc_url else None
    if kamailio_registrations_source == "jsonrpc":
        if rpc is None:
            raise ValueError("reading registrations with ul.dump needs Kamailio's JSON-RPC URL")
        source = UlDump(rpc)
    elif kamailio_registrations_source == "location_table":
        source = LocationTable(engine, timezone=kamailio_timezone)
    else:
        raise ValueError(
            f"unknown registrations source {kamailio_registrations_source!r} "
            "(jsonrpc or location_table)"
        )
    return KamailioPlatform(
        database, sip_domain=sip_domain, kamailio_db=engine, registrations_source=source, rpc=rpc
    )
