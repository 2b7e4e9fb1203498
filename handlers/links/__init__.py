"""Use case: one-time links to pages sipdesk serves itself (a bill upload, new credentials)."""

from handlers.links.issue import credentials_url, issue_credentials_link, issue_upload_link
from handlers.links.listeners import register

__all__ = ["credentials_url", "issue_credentials_link", "issue_upload_link", "register"]
