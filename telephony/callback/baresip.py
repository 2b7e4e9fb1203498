"""The call-back caller for SIP deployments: baresip beside sipdesk, driven over `ctrl_tcp`.

baresip (Debian's, 1.0.x) is a real SIP user agent registered on the platform's proxy as a
service account; sipdesk never speaks SIP itself. Over its `ctrl_tcp` module it takes netstring
framed JSON commands (`dial`, `hangup`) and reports call events (`CALL_RINGING`,
`CALL_ESTABLISHED`, `CALL_DTMF_START` for RFC 4733 telephone-events and SIP INFO alike,
`CALL_CLOSED` with the SIP status). Its audio source plays the spoken prompt (a WAV file) to
whoever answers. `ctrl_tcp` serves one connection at a time, so calls through one baresip are
serialised by a Redis lock shared by every worker.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import socket
import time
from typing import Any

import redis

from store.types import utcnow
from telephony.callback.port import CallOutcome, CallResult

log = logging.getLogger(__name__)

_STATUS = re.compile(r"^\s*(\d{3})\b")
_BUSY = frozenset({486, 600})
_NO_ANSWER = frozenset({408, 480, 487})  # timed out, unavailable, cancelled while ringing
_MAX_FRAME = 65536
# baresip 1.0's aufile closes the call when the prompt's file ends: the time to key in is over.
_PROMPT_OVER = "end of file"


class CtrlError(Exception):
    """baresip's control connection broke or said something we cannot read."""


class BaresipCaller:
    """Dials through a baresip's `ctrl_tcp` at `host:port`; numbers go to `sip:NUMBER@domain`."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        domain: str,
        lock_redis: redis.Redis,
        lock_prefix: str,
        ring_seconds: float = 30.0,
        key_seconds: float = 20.0,
        wait_for_line: float = 60.0,
    ) -> None:
        self.host, self.port, self.domain = host, port, domain
        self.ring_seconds = ring_seconds
        self.key_seconds = key_seconds
        self._lock = lock_redis.lock(
            f"{lock_prefix}callback:ua:{host}:{port}",
            timeout=ring_seconds + key_seconds + 30,
            blocking_timeout=wait_for_line,
        )

    def call_with_code(self, number: str, code_length: int) -> CallOutcome:
        if not self._lock.acquire():
            return CallOutcome(CallResult.FAILED, detail="the call-back line stayed busy")
        try:
            return self._call(number, code_length)
        except (OSError, CtrlError) as broken:
            log.warning(
                "call-back through baresip at %s:%s failed: %s", self.host, self.port, broken
            )
            return CallOutcome(CallResult.FAILED, detail=f"baresip: {broken}"[:200])
        finally:
            # A LockError: it expired, the call outlived the lock's timeout.
            with contextlib.suppress(redis.exceptions.LockError):
                self._lock.release()

    def _call(self, number: str, code_length: int) -> CallOutcome:
        with socket.create_connection((self.host, self.port), timeout=5) as conn:
            ctrl = _Ctrl(conn)
            token = secrets.token_hex(4)
            ctrl.send({"command": "dial", "params": f"sip:{number}@{self.domain}", "token": token})
            call = _Call(code_length)
            ring_deadline = time.monotonic() + self.ring_seconds
            key_deadline: float | None = None
            while True:
                now = time.monotonic()
                deadline = key_deadline if key_deadline is not None else ring_deadline
                if now >= deadline:
                    ctrl.send({"command": "hangup"})
                    return call.out_of_time(ctrl, timeout=5.0)
                message = ctrl.receive(timeout=deadline - now)
                if message is None:
                    continue
                if message.get("response") and message.get("token") == token:
                    if not message.get("ok"):
                        reason = str(message.get("data") or "dial refused")
                        return CallOutcome(CallResult.FAILED, detail=f"baresip: {reason}"[:200])
                    continue
                if not message.get("event") or message.get("class") != "call":
                    continue
                done = call.on_event(message)
                if call.answered_at is not None and key_deadline is None:
                    key_deadline = time.monotonic() + self.key_seconds
                if call.complete and not call.hung_up_by_us:
                    ctrl.send({"command": "hangup"})
                    call.hung_up_by_us = True
                if done is not None:
                    return done


class _Call:
    """The events of one outgoing call, folded into its outcome."""

    def __init__(self, code_length: int) -> None:
        self.code_length = code_length
        self.keys = ""
        self.answered_at: Any = None
        self.hung_up_by_us = False

    @property
    def complete(self) -> bool:
        return len(self.keys) >= self.code_length

    def on_event(self, event: dict[str, Any]) -> CallOutcome | None:
        kind = str(event.get("type") or "")
        param = str(event.get("param") or "")
        if kind == "CALL_ESTABLISHED" and self.answered_at is None:
            self.answered_at = utcnow()
        elif kind == "CALL_DTMF_START" and self.answered_at is not None and not self.complete:
            key = param[:1]
            if key.isdigit():
                self.keys += key
        elif kind == "CALL_CLOSED":
            return self.closed(param)
        return None

    def closed(self, reason: str) -> CallOutcome:
        if self.answered_at is not None:
            if self.complete:
                result = CallResult.KEYED
            elif self.hung_up_by_us or reason == _PROMPT_OVER:
                result = CallResult.NO_KEYS
            else:
                result = CallResult.HUNG_UP
            return CallOutcome(result, self.keys, self.answered_at, reason[:200])
        if self.hung_up_by_us:
            return CallOutcome(CallResult.NO_ANSWER, detail=reason[:200] or "rang out")
        match = _STATUS.match(reason)
        status = int(match[1]) if match else 0
        if status in _BUSY:
            return CallOutcome(CallResult.BUSY, detail=reason[:200])
        if status in _NO_ANSWER:
            return CallOutcome(CallResult.NO_ANSWER, detail=reason[:200])
        if 400 <= status < 700:
            return CallOutcome(CallResult.REJECTED, detail=reason[:200])
        return CallOutcome(CallResult.FAILED, detail=reason[:200] or "closed")

    def out_of_time(self, ctrl: _Ctrl, *, timeout: float) -> CallOutcome:
        """We hung up (ring or key time over): wait for baresip to say the call closed."""
        self.hung_up_by_us = True
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            message = ctrl.receive(timeout=left)
            if message and message.get("event") and message.get("type") == "CALL_CLOSED":
                break
        return self.closed("hung up by sipdesk")


class _Ctrl:
    """Netstring frames (`LEN:JSON,`) over one TCP connection to `ctrl_tcp`."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buffer = b""

    def send(self, command: dict[str, Any]) -> None:
        data = json.dumps(command).encode()
        self._conn.sendall(str(len(data)).encode() + b":" + data + b",")

    def receive(self, *, timeout: float) -> dict[str, Any] | None:
        """The next message, or None when none came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self._frame()
            if frame is not None:
                try:
                    message = json.loads(frame)
                except ValueError:
                    raise CtrlError("a message that is not JSON") from None
                return message if isinstance(message, dict) else None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._conn.settimeout(left)
            try:
                chunk = self._conn.recv(4096)
            except TimeoutError:
                return None
            if not chunk:
                raise CtrlError("baresip closed the control connection")
            self._buffer += chunk

    def _frame(self) -> bytes | None:
        head, colon, rest = self._buffer.partition(b":")
        if not colon:
            if len(self._buffer) > 10:
                raise CtrlError("a frame without a length")
            return None
        if not head.isdigit() or int(head) > _MAX_FRAME:
            raise CtrlError("a frame with a bad length")
        size = int(head)
        if len(rest) < size + 1:
            return None
        if rest[size : size + 1] != b",":
            raise CtrlError("a frame that does not end with a comma")
        self._buffer = rest[size + 1 :]
        return rest[:size]
