"""The customer's thread of a request: every step is told there, in one thread per request."""

from __future__ import annotations

from handlers.attempts import tried_before
from handlers.notify import Block, Notifier, post_once
from handlers.services import Services
from store.models import Request
from store.request_messages import remember_customer_thread


def tell_customer(
    services: Services,
    notifier: Notifier,
    request_id: int,
    text: str,
    blocks: list[Block] | None = None,
    *,
    key: str | None = None,
) -> str:
    """Reply in the request's thread (starting it when there is none yet); returns the ts.

    With a `key`, a re-run of a poster that died after Slack took the reply adopts it instead
    of saying it twice (the key rides in the message's metadata)."""
    with services.db.session() as session:
        request = session.get(Request, request_id)
        assert request is not None
        channel, root = request.channel_id, request.customer_message_ts
    if key is None:
        ts = notifier.post(channel, text, blocks, thread_ts=root)
    else:
        again = tried_before(services, key)
        ts = post_once(notifier, channel, text, blocks, key=key, again=again, thread_ts=root)
    if root is None:
        with services.db.session() as session:
            remember_customer_thread(session, request_id, ts)
    return ts


def start_thread(
    services: Services,
    notifier: Notifier,
    request_id: int,
    thread_ts: str | None,
    text: str,
    blocks: list[Block] | None = None,
) -> str:
    """The request's first message: in the mention's thread, or a new message that roots one."""
    if thread_ts is not None:
        with services.db.session() as session:
            remember_customer_thread(session, request_id, thread_ts)
    return tell_customer(services, notifier, request_id, text, blocks)
