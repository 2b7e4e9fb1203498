"""The customer's thread of a request: every step is told there, in one thread per request."""

from __future__ import annotations

from handlers.notify import Blocks, Notifier
from handlers.services import Services
from store.models import Request
from store.request_messages import remember_customer_thread


def tell_customer(
    services: Services,
    notifier: Notifier,
    request_id: int,
    text: str,
    blocks: Blocks | None = None,
) -> str:
    """Reply in the request's thread (starting it when there is none yet); returns the ts."""
    with services.db.session() as session:
        request = session.get(Request, request_id)
        assert request is not None
        channel, root = request.channel_id, request.customer_message_ts
    ts = notifier.post(channel, text, blocks, thread_ts=root)
    if root is None:
        with services.db.session() as session:
            remember_customer_thread(session, request_id, ts)
    return ts
