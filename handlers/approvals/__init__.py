"""Use case: staff approve, reject or ask for another bill; the decision is applied by a job."""

from handlers.approvals.listeners import register

__all__ = ["register"]
