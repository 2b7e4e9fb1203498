"""A bill shared in a Slack thread, fetched by the check job: asked about with files.info,
checked, then downloaded.

In Slack Connect channels the event carries only `file_access: check_file_info`, so the file is
always looked up; its type and size are checked before a byte is fetched, with the bot token.
"""

from __future__ import annotations

from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.files import SharedFile
from ocr_checks.formats import ACCEPTED_NAMES, format_for_mimetype
from store.errors import UserFacingError

MAX_BYTES = 20 * 1024 * 1024
DOWNLOAD_SECONDS = 20.0


class SlackFiles:
    """A FileSource over Slack's Web API, for the bill check job."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def fetch(self, file_id: str) -> SharedFile:
        return fetch_bill(self._client, file_id)


def fetch_bill(client: WebClient, file_id: str) -> SharedFile:
    try:
        info: Any = client.files_info(file=file_id)
    except SlackApiError:
        raise UserFacingError(
            "I cannot see that file; please share the bill again in this thread."
        ) from None
    shown = info["file"]
    name = str(shown.get("name") or file_id)
    mimetype = str(shown.get("mimetype") or "")
    if format_for_mimetype(mimetype) is None:
        raise UserFacingError(
            f"*{name}* is not a {ACCEPTED_NAMES}. Please share the bill as the PDF your "
            "provider gave you, or a photo or screenshot of it."
        )
    size = int(shown.get("size") or 0)
    if size > MAX_BYTES:
        raise UserFacingError(
            f"*{name}* is {size // (1024 * 1024)} MB; a bill should be under "
            f"{MAX_BYTES // (1024 * 1024)} MB. Please share only its first pages."
        )
    url = shown.get("url_private") or shown.get("url_private_download")
    if not url or client.token is None:
        raise UserFacingError(f"I could not download *{name}*; please share it again.")
    content = _download(str(url), client.token, name)
    return SharedFile(file_id, name, mimetype, content)


def _download(url: str, token: str, name: str) -> bytes:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        return _fetch(url, headers, name)
    except httpx.HTTPError:
        raise UserFacingError(f"I could not download *{name}*; please share it again.") from None


def _fetch(url: str, headers: dict[str, str], name: str) -> bytes:
    with httpx.stream("GET", url, headers=headers, timeout=DOWNLOAD_SECONDS) as answer:
        kind = answer.headers.get("Content-Type", "")
        # Slack answers a refused download with its sign-in page, status 200.
        if answer.status_code != 200 or kind.startswith("text/html"):
            raise UserFacingError(f"I could not download *{name}*; please share it again.")
        chunks: list[bytes] = []
        total = 0
        for chunk in answer.iter_bytes():
            total += len(chunk)
            if total > MAX_BYTES:
                raise UserFacingError(f"*{name}* is too large for a bill.")
            chunks.append(chunk)
    return b"".join(chunks)
