"""One ledger for every flow of money.

Why a ledger and not counters: conservation is then a property we can check rather than hope
for. Each entry moves an amount from one party to another; balances are kept alongside and
`imbalance()` recomputes them from the entries. A party may not go below zero unless it is a
source or a sink (the state's budget line, the wider economy).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class LedgerError(RuntimeError):
    """A payment that would break conservation or overdraw a party."""


@dataclass
class Ledger:
    opening: dict[str, float]
    overdraft_allowed: frozenset[str] = frozenset({"economy", "public_purse"})
    months: list[int] = field(default_factory=list)
    payers: list[str] = field(default_factory=list)
    payees: list[str] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    balances: dict[str, float] = field(init=False)
    # Balances rebuilt from the entries checked so far: `imbalance()` is called every month of
    # every contract of a world, so it adds the new entries rather than replaying them all.
    _rebuilt: dict[str, float] = field(init=False, repr=False)
    _checked: int = field(init=False, default=0, repr=False)

    def __post_init__(self) -> None:
        self.balances = defaultdict(float, self.opening)
        self._rebuilt = defaultdict(float, self.opening)

    def pay(self, month: int, payer: str, payee: str, amount: float, reason: str) -> float:
        """Record a payment; returns the amount (0 payments are not recorded)."""
        if not np.isfinite(amount) or amount < 0:
            raise LedgerError(f"invalid amount {amount!r} for {reason}")
        if amount == 0:
            return 0.0
        if payer not in self.overdraft_allowed and self.balances[payer] + 1e-6 < amount:
            raise LedgerError(
                f"{payer} cannot pay {amount:.2f} for {reason}: balance {self.balances[payer]:.2f}"
            )
        self.months.append(month)
        self.payers.append(payer)
        self.payees.append(payee)
        self.amounts.append(float(amount))
        self.reasons.append(reason)
        self.balances[payer] -= amount
        self.balances[payee] += amount
        return float(amount)

    def open(self, party: str, amount: float) -> None:
        """Add a party with an opening balance (a funder or territory that joins the run)."""
        if party in self.opening or not np.isfinite(amount) or amount < 0:
            raise LedgerError(f"cannot open {party!r} with {amount!r}")
        self.opening[party] = float(amount)
        self.balances[party] += float(amount)
        self._rebuilt[party] += float(amount)

    def balance(self, party: str) -> float:
        return float(self.balances[party])

    def imbalance(self) -> float:
        """Largest gap between tracked balances and balances rebuilt from entries, plus any
        money created or destroyed (the sum of all balances must equal the sum of openings)."""
        rebuilt = self._rebuilt
        start = self._checked
        for payer, payee, amount in zip(
            self.payers[start:], self.payees[start:], self.amounts[start:], strict=True
        ):
            rebuilt[payer] -= amount
            rebuilt[payee] += amount
        self._checked = len(self.amounts)
        parties = set(rebuilt) | set(self.balances)
        gap = max((abs(rebuilt[p] - self.balances[p]) for p in parties), default=0.0)
        created = abs(math.fsum(self.balances.values()) - math.fsum(self.opening.values()))
        return float(max(gap, created))

    def rows(self) -> Iterator[Entry]:
        """Every entry as (month, payer, payee, amount, reason), in order."""
        return zip(self.months, self.payers, self.payees, self.amounts, self.reasons, strict=True)

    def total(
        self, payer: str | None = None, payee: str | None = None, reason: str | None = None
    ) -> float:
        """Sum of entries matching every given field."""
        return entries_total(self.rows(), payer, payee, reason)

    def flows(self, party: str, months: int) -> np.ndarray:
        """Net cash flow of a party per month (in minus out), for IRR."""
        return entries_flows(self.rows(), party, months)

    def to_frame(self) -> pd.DataFrame:
        return entries_frame(self.rows())


Entry = tuple[int, str, str, float, str]  # (month, payer, payee, amount, reason)


def entries_total(
    rows: Iterable[Entry], payer: str | None, payee: str | None, reason: str | None
) -> float:
    """Sum of the entries matching every given field (a ledger's, or one contract's view)."""
    return float(
        sum(
            a
            for _m, p, q, a, r in rows
            if (payer is None or p == payer)
            and (payee is None or q == payee)
            and (reason is None or r == reason)
        )
    )


def entries_flows(rows: Iterable[Entry], party: str, months: int) -> np.ndarray:
    """Net cash flow of a party per month of the entries (in minus out), for IRR."""
    out = np.zeros(months + 1)
    for m, p, q, a, _r in rows:
        if m > months:
            continue
        if q == party:
            out[m] += a
        if p == party:
            out[m] -= a
    return out


def entries_frame(rows: Iterable[Entry]) -> pd.DataFrame:
    """The entries as the `ledger` table."""
    rows = list(rows)

    def column(i: int) -> list:
        return [row[i] for row in rows]

    return pd.DataFrame(
        {
            "month": np.asarray(column(0), np.int32),
            "payer": pd.Series(column(1), dtype="string"),
            "payee": pd.Series(column(2), dtype="string"),
            "amount": np.asarray(column(3), np.float64),
            "reason": pd.Series(column(4), dtype="string"),
        }
    )
