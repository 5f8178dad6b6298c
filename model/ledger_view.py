"""A later contract's window onto the world's one ledger.

Why a view rather than a ledger per contract: money is conserved across the whole world only if
every payment of every contract is an entry of one ledger. A contract's agents still say
"investor", "operator" and "state" — the same code runs the first contract and every later one —
and the view renames those parties to the world's accounts (`investor#3`, `operator#3`, the
territory's payer `territory:12`) and moves the contract's months onto the world's calendar.
Reading through the view (balances, totals, flows, the entry table) gives exactly what a
stand-alone contract would see, so the contract's outputs keep their meaning.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from cislab.model.ledger import Entry, Ledger, entries_flows, entries_frame, entries_total

FUNDING_REASONS = frozenset({"contract_funding", "contract_closing"})
"""Transfers between the world and a contract's accounts when it opens and closes: the world's
side of a contract's opening balances, invisible from inside the contract."""


class LedgerView:
    """The parties of one contract, named as its agents name them, on the world's ledger.

    Every party `p` of contract `k` has the world account `p#k` (`investor#3`, `state#3`…), so
    the entries of the contract are exactly those touching one of its accounts.
    """

    def __init__(self, ledger: Ledger, suffix: str, month_offset: int) -> None:
        self.world = ledger
        self.suffix = suffix  # e.g. "#3"
        self.offset = int(month_offset)
        self._entries: list[int] = []  # indices of this contract's entries in the world ledger
        self._seen = 0
        # What each party paid out, summed in entry order as its entries are indexed: "what
        # did the payer spend" is asked every month, and must not rescan every entry each time.
        self._paid_by: dict[str, float] = {}

    def account(self, party: str) -> str:
        """The world's account of a party of this contract."""
        return party + self.suffix

    def owns(self, account: str) -> bool:
        return account.endswith(self.suffix)

    def party(self, account: str) -> str:
        """This contract's name for a world account (other accounts keep their name)."""
        return account[: -len(self.suffix)] if self.owns(account) else account

    def pay(self, month: int, payer: str, payee: str, amount: float, reason: str) -> float:
        return self.world.pay(
            month + self.offset, self.account(payer), self.account(payee), amount, reason
        )

    def balance(self, party: str) -> float:
        return self.world.balance(self.account(party))

    def imbalance(self) -> float:
        return self.world.imbalance()

    def _sync(self) -> list[int]:
        """Index the world's new entries that belong to this contract (checked once each)."""
        w, owns = self.world, self.owns
        for i in range(self._seen, len(w.amounts)):
            if (owns(w.payers[i]) or owns(w.payees[i])) and (w.reasons[i] not in FUNDING_REASONS):
                self._entries.append(i)
                payer = self.party(w.payers[i])
                self._paid_by[payer] = self._paid_by.get(payer, 0) + w.amounts[i]
        self._seen = len(w.amounts)
        return self._entries

    def rows(self) -> Iterator[Entry]:
        """This contract's entries, in its own months and party names."""
        w = self.world
        for i in self._sync():
            yield (
                w.months[i] - self.offset,
                self.party(w.payers[i]),
                self.party(w.payees[i]),
                w.amounts[i],
                w.reasons[i],
            )

    def total(
        self, payer: str | None = None, payee: str | None = None, reason: str | None = None
    ) -> float:
        """Sum of this contract's entries matching every given field."""
        if payer is not None and payee is None and reason is None:
            self._sync()  # the same sum, in the same order, kept as entries arrive
            return float(self._paid_by.get(payer, 0))
        return entries_total(self.rows(), payer, payee, reason)

    def flows(self, party: str, months: int) -> np.ndarray:
        """Net cash flow of a party per month of this contract (in minus out), for IRR."""
        return entries_flows(self.rows(), party, months)

    def to_frame(self) -> pd.DataFrame:
        """This contract's entries, in its own months and party names."""
        return entries_frame(self.rows())
