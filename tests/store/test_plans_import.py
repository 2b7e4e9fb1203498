"""The accounts file's `plans:` say what a new SIP account costs; importing is an upsert."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from store import account_import
from store.account_import import ImportProblem
from store.db import Database
from store.models import Plan

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "accounts.yml"


def _plans(database: Database) -> dict[str, tuple[Decimal, str, str]]:
    with database.session() as session:
        return {p.name: (p.new_sip_account, p.currency, p.per) for p in session.query(Plan).all()}


def test_the_examples_plans_are_imported_and_a_second_import_changes_nothing(database: Database):
    data = yaml.safe_load(EXAMPLE.read_text())
    for _ in range(2):
        with database.session() as session:
            account_import.apply(session, account_import.parse(data))
    assert _plans(database) == {
        "business": (Decimal("5.00"), "EUR", "month"),
        "starter": (Decimal("0.00"), "EUR", "month"),
    }


def test_a_changed_price_is_updated(database: Database):
    data = yaml.safe_load(EXAMPLE.read_text())
    with database.session() as session:
        account_import.apply(session, account_import.parse(data))
    data["plans"]["business"]["new_sip_account"] = 7.5
    with database.session() as session:
        account_import.apply(session, account_import.parse(data))
    assert _plans(database)["business"][0] == Decimal("7.50")


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ({"new_sip_account": -1}, "plans.pro.new_sip_account"),
        ({"new_sip_account": 5, "currency": "eur"}, "plans.pro.currency"),
        ({"new_sip_account": 5, "colour": "red"}, "plans.pro.colour"),
    ],
)
def test_a_bad_plan_is_named_where_it_is(plan: dict[str, object], problem: str):
    with pytest.raises(ImportProblem) as refused:
        account_import.parse({"version": 1, "plans": {"pro": plan}, "customers": []})
    assert problem in refused.value.message
