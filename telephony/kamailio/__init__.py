"""The Kamailio adapter: `subscriber`, `usr_preferences` and usrloc of a real Kamailio 5.6."""

from telephony.kamailio.adapter import KamailioPlatform
from telephony.kamailio.jsonrpc import KamailioRpc, UlDump
from telephony.kamailio.location_table import LocationTable

__all__ = ["KamailioPlatform", "KamailioRpc", "LocationTable", "UlDump"]
