"""Compare-and-set claims: an UPDATE whose WHERE holds the expected value; the rows it changed
say whether this process won (two replicas racing for one claim: exactly one changes a row)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Update
from sqlalchemy.orm import Session


def won(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE; True when it changed at least one row."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount > 0
