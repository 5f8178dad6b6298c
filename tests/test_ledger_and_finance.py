"""The ledger conserves money; returns come from actual cash flows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from cislab.model.finance import annual_irr, capped_due
from cislab.model.ledger import Ledger, LedgerError


def test_ledger_moves_money_and_reconciles():
    ledger = Ledger({"state": 100.0, "investor": 50.0, "operator": 0.0})
    ledger.pay(0, "investor", "operator", 30.0, "capital_tranche")
    ledger.pay(1, "operator", "economy", 20.0, "service_costs")
    ledger.pay(2, "state", "operator", 40.0, "outcome_payment")
    assert ledger.balance("operator") == pytest.approx(50.0)
    assert ledger.balance("economy") == pytest.approx(20.0)
    assert ledger.imbalance() == 0.0
    assert ledger.total(reason="service_costs") == 20.0
    np.testing.assert_allclose(ledger.flows("operator", 2), [30.0, -20.0, 40.0])
    frame = ledger.to_frame()
    assert list(frame.columns) == ["month", "payer", "payee", "amount", "reason"]
    assert len(frame) == 3


def test_ledger_refuses_overdraft_and_bad_amounts():
    ledger = Ledger({"operator": 10.0})
    with pytest.raises(LedgerError, match="cannot pay"):
        ledger.pay(0, "operator", "economy", 11.0, "service_costs")
    with pytest.raises(LedgerError, match="invalid amount"):
        ledger.pay(0, "operator", "economy", -1.0, "service_costs")
    with pytest.raises(LedgerError, match="invalid amount"):
        ledger.pay(0, "operator", "economy", math.nan, "service_costs")
    assert ledger.imbalance() == 0.0


def test_ledger_detects_tampering():
    ledger = Ledger({"a": 10.0})
    ledger.pay(0, "a", "b", 4.0, "x")
    ledger.balances["b"] += 1.0  # money created outside the ledger
    assert ledger.imbalance() == pytest.approx(1.0)


def test_irr_of_known_flows():
    flows = np.zeros(13)
    flows[0], flows[12] = -100.0, 110.0
    assert annual_irr(flows) == pytest.approx(0.10, abs=1e-9)
    assert annual_irr(np.array([-100.0, 0.0])) == -1.0
    assert annual_irr(np.array([0.0, 10.0])) is None  # nothing invested


def test_capped_due_grows_at_the_cap_and_stops_when_repaid():
    assert capped_due([(0, 100.0)], [], 12, 0.05) == pytest.approx(105.0)
    assert capped_due([(0, 100.0)], [(12, 105.0)], 24, 0.05) == pytest.approx(0.0, abs=1e-9)
    assert capped_due([(0, 100.0)], [(12, 50.0)], 12, 0.0) == pytest.approx(50.0)
