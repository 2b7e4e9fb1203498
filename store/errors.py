"""Errors a person can cause, each carrying the sentence to show them."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose `message` is written for the person who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserFacingError):
    pass


class TransitionRefused(UserFacingError):
    """The request is not in a state that allows this step (illegal, or someone got there first)."""

    def __init__(self, message: str, *, request_id: int, current: str | None, wanted: str) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.current = current
        self.wanted = wanted
