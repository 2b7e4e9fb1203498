"""The Web API front desk: token and scope checks, injected failures, and the call record."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sandbox import api_apps, api_chat, api_directory, api_files, api_views
from slack_sandbox.api_common import ApiError, Args, Method
from slack_sandbox.world import World

METHODS: dict[str, tuple[Method, str | None]] = {
    **api_chat.METHODS,
    **api_directory.METHODS,
    **api_views.METHODS,
    **api_files.METHODS,
    **api_apps.METHODS,
}
# Methods that take the app-level token instead of the bot token
APP_TOKEN_METHODS = frozenset(api_apps.METHODS)

ALL_SCOPES = frozenset(scope for _, scope in METHODS.values() if scope is not None)


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call the bot made: what it asked, with which token, and how it went."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: datetime
    wire: str = "form"  # "json", "form" or "query": how the arguments travelled
    error: str | None = None  # None when Slack answered ok

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class InjectedFailure:
    error: str
    times: int
    retry_after: int = 1
    status: int | None = None


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class WebApi:
    def __init__(self, world: World) -> None:
        self.world = world
        self.calls: list[RecordedCall] = []
        self._failures: dict[str, list[InjectedFailure]] = {}
        self._chaos: tuple[float, random.Random] | None = None

    def fail_next(
        self,
        method: str,
        *,
        error: str = "ratelimited",
        retry_after: int = 1,
        times: int = 1,
        status: int | None = None,
    ) -> None:
        with self.world.lock:
            failure = InjectedFailure(error, times, retry_after, status)
            self._failures.setdefault(method, []).append(failure)

    def fail_at_random(self, rate: float, *, seed: int) -> None:
        """From now on each call but auth.test fails with probability `rate`: half of them
        "ratelimited" (HTTP 429, Retry-After 1), half "internal_error". 0 turns it off."""
        with self.world.lock:
            self._chaos = (rate, random.Random(seed)) if rate > 0 else None

    def call(self, method: str, args: dict[str, Any], token: str | None, wire: str) -> ApiAnswer:
        with self.world.lock:
            try:
                answer = self._answer(method, args, token)
            except ApiError as refusal:
                body = {"ok": False, "error": refusal.error, **refusal.extra}
                answer = ApiAnswer(refusal.status, body)
            self.calls.append(
                RecordedCall(
                    method=method,
                    args=copy.deepcopy(args),
                    token=token,
                    at=datetime.now(UTC),
                    wire=wire,
                    error=None if answer.body.get("ok") else str(answer.body.get("error")),
                )
            )
            return answer

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> ApiAnswer:
        entry = METHODS.get(method)
        if entry is None:
            raise ApiError("unknown_method")
        if not token:
            raise ApiError("not_authed")
        app_level = method in APP_TOKEN_METHODS
        if token != (self.world.app_token if app_level else self.world.bot.token):
            # Slack tells a token of the wrong kind apart from one it does not know at all
            known = token in (self.world.app_token, self.world.bot.token)
            raise ApiError("not_allowed_token_type" if known else "invalid_auth")
        handler, scope = entry
        if scope is not None and scope not in self.world.scopes:
            provided = ",".join(sorted(self.world.scopes))
            raise ApiError("missing_scope", needed=scope, provided=provided)
        injected = self._take_failure(method) or self._random_failure(method)
        if injected is not None:
            return injected
        body = handler(self.world, Args(args))
        return ApiAnswer(200, {"ok": True, **body})

    def _random_failure(self, method: str) -> ApiAnswer | None:
        if self._chaos is None or method in ("auth.test", *APP_TOKEN_METHODS):
            return None
        rate, rng = self._chaos
        if rng.random() >= rate:
            return None
        if rng.random() < 0.5:
            return ApiAnswer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
        return ApiAnswer(200, {"ok": False, "error": "internal_error"})

    def _take_failure(self, method: str) -> ApiAnswer | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        body = {"ok": False, "error": failure.error}
        if failure.error == "ratelimited":
            headers = {"Retry-After": str(failure.retry_after)}
            return ApiAnswer(failure.status or 429, body, headers)
        return ApiAnswer(failure.status or 200, body)
