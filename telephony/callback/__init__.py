"""The call-back line: the platform rings a claimed number and hears what its answerer keys in.

`CallBackCaller` is the port; `BaresipCaller` drives a real SIP user agent (baresip over its
`ctrl_tcp` module) through the platform's proxy, and `StandInPhone` is the pretend line of the
built-in platform, which has no telephone network (the demo says so when it uses it).
"""

from telephony.callback.baresip import BaresipCaller
from telephony.callback.port import CallBackCaller, CallOutcome, CallResult
from telephony.callback.stand_in import StandInPhone

__all__ = ["BaresipCaller", "CallBackCaller", "CallOutcome", "CallResult", "StandInPhone"]
