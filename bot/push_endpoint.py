"""`POST /watch/registrar-events`: the registrar pushes contact events (Kamailio's
`event_route[usrloc:contact-expired]` and de-registrations, see telephony/kamailio/kamailio.cfg).

Authenticated with `Authorization: Bearer $SIPDESK_PUSH_TOKEN` (compared in constant time); off
when the token is unset, empty, or shorter than MIN_TOKEN_CHARS (settings refuse a short one).
The answer to an authenticated event is the same whether or not the account is ours, so the
endpoint tells nobody which usernames exist.
The body is `{"event": "expired"|"deregistered"|"registered", "aor": "sip:USER@DOMAIN"}`
(or `"username"`), at most 4 KiB."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from bot.runtime import Runtime
from handlers.watch.push import RegistrarEvent, record_push
from store.errors import UserFacingError
from store.types import utcnow

log = logging.getLogger(__name__)

PUSH_PATH = "/watch/registrar-events"
MAX_BODY = 4096
MIN_TOKEN_CHARS = 32
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def registrar_events(runtime: Runtime) -> Wsgi | None:
    """The endpoint's WSGI app, or None when no push token is configured."""
    token = runtime.settings.push_token
    if token is None or len(token.get_secret_value().strip()) < MIN_TOKEN_CHARS:
        return None  # an empty or guessable token must never open the door
    secret = token.get_secret_value().encode()
    services = runtime.services

    def endpoint(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def answer(status: str, body: dict[str, Any]) -> Iterable[bytes]:
            data = json.dumps(body).encode()
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
            )
            return [data]

        if environ.get("REQUEST_METHOD") != "POST":
            return answer("405 Method Not Allowed", {"error": "POST only"})
        given = str(environ.get("HTTP_AUTHORIZATION") or "")
        token = given.removeprefix("Bearer ").encode() if given.startswith("Bearer ") else b""
        if not hmac.compare_digest(token, secret):
            return answer("401 Unauthorized", {"error": "a valid bearer token is required"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return answer("413 Content Too Large", {"error": f"1 to {MAX_BODY} bytes of JSON"})
        try:
            event = RegistrarEvent.parse(json.loads(environ["wsgi.input"].read(length)))
        except (ValueError, RecursionError):
            # RecursionError: JSON nested deeper than the parser's stack (4 KiB of "[" does it).
            return answer("400 Bad Request", {"error": "the body is not JSON"})
        except UserFacingError as error:
            return answer("400 Bad Request", {"error": error.message})
        ours = record_push(services.db, services.redis, services.redis_prefix, event, utcnow())
        log.info("registrar push: %s %s (ours: %s)", event.event, event.username, ours)
        return answer("202 Accepted", {"accepted": True})

    return endpoint
