"""The Bolt app factory: one App, every use case registered through one Registry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import handlers
from handlers.registry import Registry
from handlers.services import Services
from store.dedupe import EventDeduplicator, slack_delivery
from store.errors import UserFacingError

log = logging.getLogger(__name__)
LISTENER_THREADS = 64


def web_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out 429s (honouring Retry-After) and retries brief outages."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=15,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(
    services: Services, *, token: str, signing_secret: str | None, api_url: str
) -> tuple[App, Registry]:
    app = App(
        client=web_client(token, api_url),
        signing_secret=signing_secret,
        # Ack first, work after: Bolt runs listeners in its thread pool once ack() has answered.
        process_before_response=False,
        # auth.test at start-up would make Slack reachability a boot dependency.
        token_verification_enabled=False,
        request_verification_enabled=signing_secret is not None,
        raise_error_for_unhandled_request=False,
        # Listeners wait on the per-channel pace after their ack; a crowd of clicks must still
        # find a free thread to ack in (Bolt's default is 10).
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS),
    )
    app.use(_drop_duplicate_deliveries(EventDeduplicator(services.redis, services.redis_prefix)))
    app.error(_tell_the_user)
    registry = Registry(app, services)
    handlers.register_all(registry, services)
    return app, registry


def _drop_duplicate_deliveries(
    dedupe: EventDeduplicator,
) -> Callable[[BoltRequest, BoltResponse, Callable[[], BoltResponse]], BoltResponse | None]:
    """Slack retries an event it thinks we missed; any replica may get the retry. Answer 200 and
    do nothing for a delivery some replica already took."""

    def middleware(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        delivery = slack_delivery(req.body, req.headers)
        try:
            first = delivery.key is None or dedupe.first_seen(delivery.key)
        except Exception:  # Redis down: better a possible duplicate than a lost request
            log.warning("dedupe unavailable; processing %s", delivery.key, exc_info=True)
            first = True
        if not first:
            log.info("duplicate delivery %s (retry %s) dropped", delivery.key, delivery.retry_num)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def _tell_the_user(error: Exception, body: dict[str, Any], respond: Any, logger: Any) -> None:
    """The one error handler: a known error becomes its sentence, anything else an apology."""
    if isinstance(error, UserFacingError):
        message = error.message
    else:
        logger.exception("listener failed", exc_info=error)
        message = "Sorry, something went wrong on our side. Please try again in a minute."
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        try:
            respond(text=f":warning: {message}", response_type="ephemeral", replace_original=False)
        except Exception:
            logger.warning("could not tell the user about an error", exc_info=True)
