"""Make a one-time link for a request and return its URL (the token lives only in that URL)."""

from __future__ import annotations

from handlers.services import Services
from store import links
from store.links import Credentials
from store.models import LinkKind

UPLOAD_PATH = "/links/upload/"
CREDENTIALS_PATH = "/links/credentials/"


def issue_upload_link(services: Services, request_id: int) -> str:
    """A page where the customer uploads the bill for this request, once, within the TTL."""
    with services.db.session() as session:
        token = links.issue(session, request_id, LinkKind.UPLOAD, ttl=services.link_ttl)
    return f"{services.public_url}{UPLOAD_PATH}{token}"


def issue_credentials_link(services: Services, request_id: int, credentials: Credentials) -> str:
    """A page that shows this new SIP account's password once; the password is sealed until then."""
    with services.db.session() as session:
        token = links.issue(
            session,
            request_id,
            LinkKind.CREDENTIALS,
            ttl=services.link_ttl,
            credentials=credentials,
        )
    return f"{services.public_url}{CREDENTIALS_PATH}{token}"


def credentials_url(services: Services, token: str) -> str:
    """The address of a credentials page whose link a caller issued in its own transaction."""
    return f"{services.public_url}{CREDENTIALS_PATH}{token}"
