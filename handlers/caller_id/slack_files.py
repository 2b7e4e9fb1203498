"""A bill shared in a Slack thread, fetched by the check job: asked about with files.info,
checked, then downloaded.

In Slack Connect channels the event carries only `file_access: check_file_info`, so the file is
always looked up; its type and size are checked before a byte is fetched, with the bot token.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.files import SharedFile
from ocr_checks.formats import ACCEPTED_NAMES, format_for_mimetype
from store.errors import UserFacingError
from store.names import plain_file_name

MAX_BYTES = 20 * 1024 * 1024
DOWNLOAD_SECONDS = 20.0
# Slack's own file hosts: files.slack.com, its edge and origin forms, an Enterprise Grid org's
# files.<org>.enterprise.slack.com, and GovSlack's. Nothing else ever sees the bot token: a
# remote file's url_private may name any host (Slack documents it).
_SLACK_FILE_HOST = re.compile(
    r"files(-[a-z0-9]+)?\.slack\.com|files\.[a-z0-9-]+\.enterprise\.slack\.com|files\.slack-gov\.com"
)


class SlackFiles:
    """A FileSource over Slack's Web API, for the bill check job."""

    def __init__(self, client: WebClient, extra_hosts: tuple[str, ...] = ()) -> None:
        self._client = client
        self._extra_hosts = extra_hosts

    def fetch(self, file_id: str) -> SharedFile:
        return fetch_bill(self._client, file_id, self._extra_hosts)


def is_slack_file_host(url: str, extra_hosts: tuple[str, ...] = ()) -> bool:
    """Whether `url` is on Slack's own file hosts (https), or one of `extra_hosts` (host[:port],
    the SIPDESK_SLACK_FILE_HOSTS setting: the local sandbox's address in tests)."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https" and port in (None, 443) and _SLACK_FILE_HOST.fullmatch(host):
        return True
    given = f"{host}:{port}" if port is not None else host
    return parts.scheme in ("http", "https") and given in extra_hosts


def fetch_bill(client: WebClient, file_id: str, extra_hosts: tuple[str, ...] = ()) -> SharedFile:
    try:
        info: Any = client.files_info(file=file_id)
    except SlackApiError:
        raise UserFacingError(
            "I cannot see that file; please share the bill again in this thread."
        ) from None
    shown = info["file"]
    name = plain_file_name(str(shown.get("name") or file_id))
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
    if not is_slack_file_host(str(url), extra_hosts):
        raise UserFacingError(
            f"*{name}* is not stored in Slack (it links elsewhere), so I cannot read it. Please "
            "upload the bill itself in this thread."
        )
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
