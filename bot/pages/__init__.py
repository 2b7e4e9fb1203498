"""The one-time pages (bill upload, new credentials) that sipdesk serves itself.

`bot.web.make_wsgi` hands every `/links/...` path to this app in HTTP mode; in Socket Mode
`serve_pages` runs it alone on SIPDESK_PAGES_PORT.
"""

from __future__ import annotations

from bot.pages.app import MAX_BODY_BYTES, PREFIX, PagesApp

__all__ = ["MAX_BODY_BYTES", "PREFIX", "PagesApp"]
