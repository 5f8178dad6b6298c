"""Audits as the payer draws them: last month's complaints raise the chance, and the time series
counts each audit in the month it happened (both found broken by the ODD write-up, issue 11)."""

from __future__ import annotations

import pytest
from cislab.model.api import build, run


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_monthly_audits_add_up_to_the_summary(seed):
    result = run("default", seed=seed)
    assert result.summary["audits"] > 0
    assert result.timeseries["audits"].sum() == result.summary["audits"]


def test_complaints_of_last_month_raise_the_audit_chance():
    """Before the fix the month's complaint counter was reset before the audit read it, so
    complaints never changed the chance (372 complaints in educate_girls, counter 0 at every
    draw)."""
    model = build("rikers_island", seed=2)
    rate = model.config.contract.audit_rate
    assert rate > 0
    raised = []
    while model.running:
        model.step()
        if model.complaints_last_month > 0 and model.caseload_last_month > 0:
            raised.append(model.audit_probability() > rate)
    assert raised and all(raised)
