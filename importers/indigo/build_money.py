"""The money: currency, capital, maximum payment, outcome prices and return caps.

Why together: INDIGO records amounts in several currencies (the investment in CHF, the outcome
contract in USD, prices in GBP) and the model runs in one. This module picks the scenario's
currency, converts every amount with INDIGO's own rates, drops amounts that cannot be right
(a per-person cap recorded as the total), and fills what is missing from dataset medians.
"""

from __future__ import annotations

from collections.abc import Mapping

from .draft import Draft, assume
from .parse import normalize_currency, parse_number, parse_rate, shorten
from .reader import Money
from .tables import COUNTRIES

DEFAULT_RETURN_CAP = 0.08  # a year, when the record gives none


def read_finance(d: Draft) -> None:
    """Capital, maximum payment and prices in one currency (INDIGO's own conversions)."""
    r = d.r
    capital = _capital(d)
    max_payment = None
    amount = r.number("max_payment", "max_payment")
    currency = _currency(d, "max_payment_currency")
    usd = r.number("max_payment_usd", "max_payment")
    if amount:
        label = "Maximum potential outcome payment"
        max_payment = Money(amount, currency, usd, r.cite("max_payment", label))
    elif usd:
        label = "Maximum potential outcome payment USD"
        max_payment = Money(usd, "USD", usd, r.cite("max_payment_usd", label))
    prices = _prices(d)

    # The scenario's currency: the outcome contract's, else the investment's, else prices'.
    d.currency = (
        (max_payment and max_payment.currency)
        or (capital and capital.currency)
        or next((p.currency for p in prices if p.currency), None)
        or ""
    )
    national = {COUNTRIES[c][2] for c in d.countries if c in COUNTRIES}
    if d.currency:
        d.currency_src = f"{d.pid} currency fields: {d.currency}"
    elif len(national) == 1 and (code := national.pop()) in d.rates():
        d.currency = code
        d.currency_src = assume(
            f"{code}, the currency of {d.countries_text('en')}, because the record gives "
            "no currency"
        )
    else:
        d.currency = "USD"
        d.currency_src = assume("USD, because the record gives no currency")
    if d.currency_src.startswith("assumption") and (capital or max_payment or prices):
        r.missing("currency")
    d.capital = _convert(d, capital, "capital")
    d.max_payment = _convert(d, max_payment, "max_payment")
    d.prices = [c for p in prices if (c := _convert(d, p, "prices")) is not None]
    if capital is None:
        r.missing("capital")
    if max_payment is None:
        r.missing("max_payment")
    _drop_implausible(d)


def _drop_implausible(d: Draft) -> None:
    """Capital and maximum payment more than tenfold apart: one of them is not the total."""
    if not (d.capital and d.max_payment):
        return
    ratio = d.capital[0] / d.max_payment[0]
    if ratio > 10:  # e.g. a per-participant cap recorded as the total
        d.r.bad(
            "max_payment",
            d.money(d.max_payment[0]),
            f"below a tenth of the capital ({d.money(d.capital[0])}), not used",
            "inférieur au dixième du capital, non utilisé",
        )
        d.max_payment = None
    elif ratio < 0.01:
        d.r.bad(
            "capital",
            d.money(d.capital[0]),
            "below a hundredth of the maximum payment, not used",
            "inférieur au centième du paiement maximal, non utilisé",
        )
        d.capital = None


def _currency(d: Draft, key: str) -> str | None:
    """A currency field as an ISO code; a gap when it is given but unreadable."""
    raw = d.r.raw(key)
    code = normalize_currency(raw)
    if raw is not None and code is None:
        d.r.bad("currency", raw)
    return code


def _capital(d: Draft) -> Money | None:
    """The investment: exact, else the midpoint of min and max, else either, else in USD."""
    r = d.r
    exact = r.number("investment_exact", "capital")
    low, high = r.number("investment_min", "capital"), r.number("investment_max", "capital")
    usd = r.number("investment_usd_exact", "capital")
    currency = _currency(d, "investment_currency")
    if exact:
        return Money(exact, currency, usd, r.cite("investment_exact", "Total investment"))
    if low and high:
        source = (
            f"{d.pid} fields 'Total investment (min, max)' = {low:,.0f}, {high:,.0f}: the midpoint"
        )
        return Money((low + high) / 2, currency, None, source)
    if low or high:
        key = "investment_min" if low else "investment_max"
        return Money(float(low or high), currency, None, r.cite(key, "Total investment"))
    if usd:
        return Money(usd, "USD", usd, r.cite("investment_usd_exact", "Total investment USD"))
    return None


def _prices(d: Draft) -> list[Money]:
    """Every positive price the metrics give, with the metric it prices."""
    out = []
    for metric in d.metrics:
        price = metric.get("price")
        if price is None:
            continue
        if not isinstance(price, Mapping):
            d.r.bad("prices", price)
            continue
        raw = price.get("amount")
        try:
            amount = parse_number(raw)
        except ValueError:
            if raw not in (None, ""):
                d.r.bad("prices", raw)
            continue
        if amount <= 0:
            continue
        try:
            usd: float | None = parse_number(price.get("amount_usd"))
        except ValueError:
            usd = None
        definition = metric.get("definition")
        what = shorten(definition, 50) if isinstance(definition, str) else "a metric"
        source = f"{d.pid} price of '{what}' = {amount:,.0f}"
        out.append(Money(amount, normalize_currency(price.get("currency")), usd, source))
    return out


def _convert(d: Draft, money: Money | None, what: str) -> tuple[float, str] | None:
    """An amount in the scenario's currency, with its source; None (and a gap) if it cannot
    be converted."""
    if money is None:
        return None
    target = d.currency
    if money.currency == target:
        return money.amount, money.source
    if money.currency is None:
        return money.amount, f"{money.source} (no currency given: read as {target})"
    if target == "USD" and money.usd:
        return money.usd, f"{money.source} {money.currency}, INDIGO's USD conversion"
    rates = d.rates()
    if money.currency in rates and target in rates:
        value = money.amount * rates[money.currency] / rates[target]
        return value, (
            f"{money.source} {money.currency}, converted to {target} at INDIGO's median rate "
            "(data file metadata, usd_rates)"
        )
    d.r.bad(what, f"{money.currency} {money.amount:,.0f}", "not convertible", "non convertible")
    return None


def read_returns(d: Draft) -> None:
    """The investors' maximum return (an ROI annualised over the service) and IRR target."""
    r = d.r
    d.return_cap = None
    kind = r.text("max_return_type").upper()
    value = r.raw("max_return")
    if value is not None:
        try:
            rate = parse_rate(value)
            source = r.cite("max_return", "Maximum potential return")
            if kind == "ROI":
                years = max(d.duration / 12, 1.0)
                rate = (1 + rate) ** (1 / years) - 1
                source += f" (an ROI, annualised over {years:.1f} years)"
            d.return_cap = (round(rate, 4), source)
        except ValueError:
            r.bad("return", value)
    d.irr_target = None
    value = r.raw("irr_target")
    if value is not None:
        try:
            target = parse_rate(value)
            d.irr_target = (round(target, 4), r.cite("irr_target", "IRR - Target"))
        except ValueError:
            r.bad("return", value)
    if d.return_cap is None and d.irr_target is not None:
        d.return_cap = d.irr_target
    if d.return_cap is None:
        r.missing("return")


def plan_money(d: Draft) -> None:
    """Capital and maximum payment, or defaults from dataset medians."""
    ratio, ratio_why = d.median("capital_to_max_payment", 0.33)
    if d.capital is not None:
        capital, capital_src = d.capital
    elif d.max_payment is not None:
        capital = d.max_payment[0] * ratio
        capital_src = assume(
            f"{ratio:.2f} × the maximum payment ({ratio_why} of capital ÷ maximum payment), "
            "because the record gives no usable investment"
        )
    else:
        per_user, why = d.median("investment_usd_per_user", 3000)
        to_cur = d.usd_to_currency()
        capital = d.users_total * per_user * (to_cur or 1.0)
        converted = f", converted to {d.currency} at INDIGO's median rate"
        capital_src = assume(
            f"{d.users_total:,.0f} users × USD {per_user:,.0f} per user ({why})"
            + (
                ("" if d.currency == "USD" else converted)
                if to_cur
                else ", read as the currency's own units (no rate)"
            )
            + ", because the record gives neither investment nor maximum payment"
        )
    if d.max_payment is not None:
        max_payment, max_src = d.max_payment
    else:
        max_payment = capital / ratio
        max_src = assume(
            f"capital ÷ {ratio:.2f} ({ratio_why} of capital ÷ maximum payment), because the "
            "record gives no usable maximum payment"
        )
    if d.scale < 1:
        capital_src += f"; × {d.scale:.4g} (simulated scale)"
        max_src += f"; × {d.scale:.4g} (simulated scale)"
    d.capital_sim = float(max(round(capital * d.scale), 1))
    d.max_payment_sim = float(max(round(max_payment * d.scale), 1))
    d.set("investor.capital", d.capital_sim, capital_src)
    d.set("contract.max_payment", d.max_payment_sim, max_src)


def plan_returns(d: Draft) -> None:
    """The contract's return cap and the return investors require (no higher than the cap)."""
    if d.return_cap is not None:
        cap, cap_src = d.return_cap
    else:
        cap = DEFAULT_RETURN_CAP
        cap_src = assume(
            f"{cap:.0%} a year, mid-range of the caps INDIGO records (2%–15%, CASES.md §8), "
            "because the record gives none"
        )
    d.set("contract.return_cap", cap, cap_src)
    if d.irr_target is not None and d.irr_target[0] <= cap:
        d.set("investor.required_return", *d.irr_target)
    else:
        required = round(min(0.03, cap), 4)
        d.set(
            "investor.required_return",
            required,
            assume(
                f"{required:.1%} a year, what impact investors commonly ask (French CIS "
                "target 3.5–4.5%, CASES.md §8), no higher than the cap"
            ),
        )
