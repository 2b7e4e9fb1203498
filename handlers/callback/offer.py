"""The offer of proof, wherever the bot asks for a bill: *Upload the bill*, and *Call me with a
code* while the call-back line is set up and the request has calls left."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.callback.blocks import Block, with_call_me
from handlers.links import issue_upload_link
from handlers.links.blocks import with_upload_button
from handlers.refs import RequestRef
from handlers.services import Services
from store import callbacks
from store.models import Request

MAX_CALLS = 3  # per request
MAX_ENTRIES = 3  # codes keyed in, per request


def proof_offer(services: Services, request_id: int, text: str) -> list[Block]:
    """`text` (mrkdwn) with the upload page's button and, when it may still ring, the call-back."""
    url = issue_upload_link(services, request_id)
    blocks = with_upload_button(text, url, services.link_ttl)
    if services.callback is None:
        return blocks
    with services.db.session() as session:
        request = session.get(Request, request_id)
        assert request is not None
        version = request.version
        if calls_left(session, request_id) == 0:
            return blocks
    return with_call_me(
        blocks, RequestRef(request_id, version).encode(), services.callback.calls_from
    )


def calls_left(session: Session, request_id: int) -> int:
    """Calls this request may still make: at most 3 calls and 3 codes keyed in."""
    made = callbacks.calls_of_request(session, request_id)
    entries = sum(c.entries for c in made)
    return max(0, min(MAX_CALLS - len(made), MAX_ENTRIES - entries))
