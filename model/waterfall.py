"""The payment waterfall: where an outcome payment goes, as the contract's terms say.

Why terms and not a side effect: before, everything paid above the investor's capped return
stayed with the operator without a word (with a €3M maximum, a five-worker association ended
with €1.97M cash while the investor earned exactly its cap). Real contracts state it: Educate
Girls' maximum was capital + 15% IRR, so nothing above what the investor was owed was due
(CASES.md §2); others give the operator or the intermediary a performance share.

An outcome payment, within the payer's caps, is split: first what the investors are owed (their
capital grown at `contract.return_cap`, less what they got back), then the excess — the
operator's share (`excess_operator_share`), the intermediary's (`excess_intermediary_share`),
and the rest is not due (the payer keeps it). The operator's part and the investors' pass
through the operator, which repays its investors, as before. With the default terms (the
operator keeps all the excess) this is exactly the old flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cislab.model.schema import Contract

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


@dataclass(frozen=True)
class Split:
    investor: float
    operator: float
    intermediary: float
    not_due: float


def passes_through(c: Contract) -> bool:
    """The old terms: the operator receives every payment and keeps what investors are not
    owed."""
    return c.excess_operator_share >= 1.0 and c.excess_intermediary_share <= 0.0


def split_payment(amount: float, investor_owed: float, c: Contract) -> Split:
    """Split `amount` (already within the payer's caps) by the contract's waterfall."""
    to_investor = min(max(amount, 0.0), max(investor_owed, 0.0))
    excess = max(amount, 0.0) - to_investor
    operator = excess * c.excess_operator_share
    intermediary = excess * c.excess_intermediary_share
    return Split(to_investor, operator, intermediary, max(excess - operator - intermediary, 0.0))


def pay_outcome(model: CISModel, amount: float, measured_savings: float) -> float:
    """Pay one earned outcome payment through the waterfall; returns what the payer paid."""
    c = model.config.contract
    state, investor = model.state, model.investor
    if passes_through(c):
        paid = state.pay_outcomes(amount, measured_savings)
        if paid > 0:
            investor.collect_repayment(paid)
        return paid
    gross = state.payment_room(amount, measured_savings)
    split = split_payment(gross, investor.amount_owed(), c)
    paid = state.pay_outcomes(split.investor + split.operator, measured_savings)
    if paid > 0:
        investor.collect_repayment(min(paid, split.investor))
    paid += state.pay_outcomes(split.intermediary, measured_savings, payee="intermediary")
    model.contract.not_due += split.not_due
    return paid
