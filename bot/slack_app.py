"""The Bolt app factory: one App, every use case registered through one Registry."""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)

import handlers
from bot.ack_runner import answer_on_ack, listener_executor
from bot.inbound import CONTEXT_KEY, Malformed, parse
from bot.signature import VERIFIED_KEY
from bot.slack_metrics import CountedRateLimitRetryHandler, CountedWebClient
from handlers.registry import Registry
from handlers.services import Services
from store.breaker import Breaker
from store.db import is_unavailable
from store.dedupe import EventDeduplicator, slack_delivery
from store.errors import UserFacingError

log = logging.getLogger(__name__)

# Deduplication sits in the ack path: it gets a quarter of a second, then is skipped for a while.
ACK_PATH_REDIS_SECONDS = 0.25
REDIS_COOLDOWN_SECONDS = 5.0
TRY_AGAIN_SHORTLY = "sipdesk can't reach a service it needs right now. Please try again shortly."


class _AttemptsLeftToTheHandler(logging.Filter):
    """slack_sdk logs each failed connection attempt as an error; the retries are ours to make
    and the last failure reaches the error handler, which says it once."""

    def filter(self, record: logging.LogRecord) -> bool:
        attempt = record.getMessage().startswith("Failed to send a request to Slack API server")
        return not attempt or logging.getLogger().isEnabledFor(logging.DEBUG)


_web_log = logging.getLogger("slack_sdk.web.sipdesk")
_web_log.addFilter(_AttemptsLeftToTheHandler())


def web_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out 429s (honouring Retry-After) and retries brief outages."""
    return CountedWebClient(
        token=token,
        base_url=api_url,
        timeout=15,
        logger=_web_log,
        retry_handlers=[
            CountedRateLimitRetryHandler(max_retry_count=3),
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
        # Ack first, work after: listeners run in a thread pool; the answer leaves at ack().
        process_before_response=False,
        # auth.test at start-up would make Slack reachability a boot dependency.
        token_verification_enabled=False,
        request_verification_enabled=signing_secret is not None,
        raise_error_for_unhandled_request=False,
        # Bolt's default is 5 threads; a few listeners waiting on a dependency took them all.
        # Work after an ack is parked in bot/ack_runner.py's pool, so acks keep a thread.
        listener_executor=listener_executor(),
    )
    answer_on_ack(app)
    app.use(_admit_well_formed)
    dedupe = EventDeduplicator(ack_path_redis(services.redis), services.redis_prefix)
    app.use(_drop_duplicate_deliveries(dedupe, Breaker(REDIS_COOLDOWN_SECONDS)))
    app.error(_tell_the_user)
    registry = Registry(app, services)
    handlers.register_all(registry, services)
    return app, registry


def ack_path_redis(client: redis.Redis) -> redis.Redis:
    """The same Redis with a deadline fit for an ack: one try, answered in 250 ms or skipped."""
    kwargs = dict(client.connection_pool.connection_kwargs)
    kwargs.update(socket_timeout=ACK_PATH_REDIS_SECONDS, socket_connect_timeout=0.25)
    kwargs.pop("retry", None)
    pool = redis.ConnectionPool(
        connection_class=client.connection_pool.connection_class, max_connections=64, **kwargs
    )
    return redis.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))


def _admit_well_formed(
    req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """A payload that is not a shape we know gets a 400 and one log line, before any listener.

    The HTTP door (bot/web.py) has read it already; Socket Mode deliveries are read here."""
    if req.context.get(CONTEXT_KEY) is None:
        try:
            req.context[CONTEXT_KEY] = parse(req.body)
        except Malformed as error:
            log.info("refused a malformed %s delivery: %s", req.mode, error.reason)
            return BoltResponse(status=400, body='{"error":"malformed request"}')
    return next()


def _drop_duplicate_deliveries(
    dedupe: EventDeduplicator, breaker: Breaker
) -> Callable[[BoltRequest, BoltResponse, Callable[[], BoltResponse]], BoltResponse | None]:
    """Slack retries an event it thinks we missed; any replica may get the retry. Answer 200 and
    do nothing for a delivery some replica already took."""

    def middleware(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        delivery = slack_delivery(req.body, req.headers)
        first = True
        # Redis down or silent: better a possible duplicate than a late or lost request.
        if delivery.key is not None and breaker.closed():
            try:
                first = dedupe.first_seen(delivery.key)
                breaker.succeeded()
            except redis.RedisError as error:
                if breaker.failed():
                    log.warning(
                        "dedupe unavailable (%s); processing deliveries unchecked for %.0f s",
                        type(error).__name__,
                        REDIS_COOLDOWN_SECONDS,
                    )
        if not first:
            log.info("duplicate delivery %s (retry %s) dropped", delivery.key, delivery.retry_num)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def _tell_the_user(
    error: Exception, body: dict[str, Any], request: BoltRequest, respond: Any, logger: Any
) -> None:
    """The one error handler: a known error becomes its sentence, anything else an apology."""
    if isinstance(error, UserFacingError):
        message = error.message
    elif isinstance(error, redis.RedisError) or is_unavailable(error):
        # A dependency away (outside a unit of work that would have said so already).
        logger.warning("a dependency is unavailable (%s)", type(error).__name__)
        message = TRY_AGAIN_SHORTLY
    elif isinstance(error, SlackApiError):
        # Slack said no (a user gone, a view expired): its answer says it all, in one line.
        logger.warning("Slack refused a call: %s", error.response.get("error", "unknown error"))
        message = "Sorry, Slack did not accept that. Please try again in a minute."
    elif _slack_unreachable(error):
        # Slack away is an outage to note, not a bug to trace.
        logger.warning("Slack could not be reached (%s: %s)", type(error).__name__, error)
        message = TRY_AGAIN_SHORTLY
    else:
        logger.exception("listener failed", exc_info=error)
        message = "Sorry, something went wrong on our side. Please try again in a minute."
    # A response_url is the sender's to choose: only a request Slack signed (or sent over our
    # own Socket Mode link) may make us post to one.
    trusted = request.mode == "socket_mode" or request.context.get(VERIFIED_KEY) is True
    if not trusted:
        logger.warning("not answering an error for an unverified request")
        return
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        try:
            respond(text=f":warning: {message}", response_type="ephemeral", replace_original=False)
        except Exception as failure:
            logger.warning("could not tell the user about an error (%s)", type(failure).__name__)


def _slack_unreachable(error: BaseException) -> bool:
    """A Web API call that could not connect: a network error raised from inside slack_sdk."""
    if not isinstance(error, urllib.error.URLError | ConnectionError | TimeoutError):
        return False
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_globals.get("__name__", "").startswith("slack_sdk."):
            return True
        frame = frame.tb_next
    return False
