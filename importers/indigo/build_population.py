"""Who is served and by whom: the users, the eligible population and the operator's plan.

Why together: the number of users drives both the population the model draws (three eligible
people per user, very large programmes at a stated scale) and the operator the capital must pay
for (places over the cohorts, caseworkers, costs), so the two are sized in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .draft import Draft, assume
from .parse import shorten, strings_in

ELIGIBLE_PER_USER = 3  # eligible people per user served: room for selection and for RCT controls
MAX_ELIGIBLE = 150_000  # larger programmes are simulated at scale (about a second per run)
HOURS_PER_WORKER = 100.0  # the schema's default client-facing hours per caseworker-month
FEE_SHARE = 0.03  # intermediary fee, share of capital
CASH_SHARE = 0.05  # operator's own reserve, share of capital
COST_SPLIT = {"staff": 0.75, "places": 0.10, "fixed": 0.15}


def read_users(d: Draft) -> None:
    """Targeted (else actual) users, and what one 'user' is when it is not a person."""
    r = d.r
    d.users_n = None
    for key, label in (
        ("users_target", "Targeted number of unique service users or beneficiaries"),
        ("users_actual", "Actual number of unique service users or beneficiaries engaged"),
    ):
        value = r.number(key, "users")
        if value is not None and value >= 1:
            d.users_n = float(round(value))
            d.users_src = r.cite(key, label)
            break
        if value is not None:
            r.bad("users", r.raw(key), "below one", "inférieur à un")
    if d.users_n is None:
        r.missing("users")
    unit = r.text("users_target_unit") or r.text("users_actual_unit")
    desc = r.text("users_target_unit_description")
    d.unit_note = ""
    if unit and unit.lower() != "individual":
        d.unit_note = shorten(desc or unit, 40)


def plan_population(d: Draft) -> None:
    """Eligible population: three per user served; very large programmes at scale."""
    if d.users_n is not None:
        users, users_src = d.users_n, d.users_src
    elif d.capital is not None and (to_cur := d.usd_to_currency()):
        per_user, why = d.median("investment_usd_per_user", 3000)
        users = max(1.0, round(d.capital[0] / (per_user * to_cur)))
        users_src = assume(
            f"{users:,.0f} users: the capital at USD {per_user:,.0f} per user ({why}), "
            "because the record gives no number of users"
        )
    else:
        users, why = d.median("users_target", 446)
        users = float(round(users))
        users_src = assume(f"{users:,.0f} users, the {why}, because the record gives none")
    d.users_total = users
    d.scale = min(1.0, MAX_ELIGIBLE / (ELIGIBLE_PER_USER * users))
    d.sim_users = max(1.0, users * d.scale)
    eligible = max(50, min(MAX_ELIGIBLE, round(ELIGIBLE_PER_USER * d.sim_users)))
    scaled = ""
    if d.scale < 1:
        scaled = (
            f"; simulated at 1:{1 / d.scale:,.1f} scale ({d.sim_users:,.0f} users "
            f"stand for {users:,.0f}), with money totals scaled alike"
        )
        d.notes_en.append(
            f"Simulated at 1:{1 / d.scale:,.1f} scale: capital, maximum payment and budget "
            "are scaled alike."
        )
        d.notes_fr.append(
            f"Simulé à l'échelle 1:{1 / d.scale:,.1f} : capital, paiement maximal et "
            "budget réduits d'autant."
        )
    d.set(
        "population.size",
        eligible,
        assume(
            f"{ELIGIBLE_PER_USER} eligible people per user served, room for the operator's "
            f"choice and for control groups; users: {users_src}{scaled}"
        ),
    )
    if d.unit_note:
        d.notes_en.append(f"Users are not individuals: one modelled person = one '{d.unit_note}'.")
        d.notes_fr.append(
            f"Les bénéficiaires ne sont pas des personnes : une personne "
            f"modélisée = « {d.unit_note} »."
        )


def plan_operator(d: Draft) -> None:
    """Places to serve the users over the cohorts; costs that the capital pays for."""
    _plan_caseworkers(d)
    _plan_costs(d)


def _plan_caseworkers(d: Draft) -> None:
    """Enough places for the users' spells over the enrolment months, at the sector's caseload;
    a part-time caseworker when the programme is smaller than one caseload."""
    prof = d.profile
    needed = max(1, math.ceil(d.sim_users * d.service / d.enrol))
    workers = max(1, math.ceil(needed / prof.caseload))
    caseload = max(1, math.ceil(needed / workers))
    hours = HOURS_PER_WORKER
    hours_src = assume("100 client-facing hours per caseworker-month (schema default)")
    if needed < prof.caseload:
        hours = round(HOURS_PER_WORKER * needed / prof.caseload, 2)
        hours_src = assume(
            f"one part-time caseworker ({hours:g} h a month) for {needed} places, so each "
            f"client gets the hours of a {prof.caseload}-client caseload"
        )
    d.workers, d.caseload, d.hours_per_worker = workers, caseload, hours
    d.capacity = workers * caseload
    d.set(
        "operator.caseworkers",
        workers,
        assume(
            f"{needed} places ({d.sim_users:,.0f} users × a {d.service}-month spell ÷ "
            f"{d.enrol} months of enrolment) ÷ {prof.caseload} clients each"
        ),
    )
    d.set(
        "operator.caseload_per_worker",
        caseload,
        assume(f"{prof.caseload_why}, evened over {workers} caseworker(s)"),
    )
    d.set("operator.hours_per_worker", float(hours), hours_src)


def _plan_costs(d: Draft) -> None:
    """Fees and reserve as shares of capital; the rest pays for delivery month by month, so the
    investor finances the operator over the whole service."""
    orgs = d.r.raw("organisations")
    has_intermediary = isinstance(orgs, Mapping) and bool(strings_in(orgs.get("intermediaries")))
    capital = d.capital_sim
    fee = float(round(FEE_SHARE * capital)) if has_intermediary else 0.0
    d.set(
        "contract.intermediary_fee",
        fee,
        assume(f"{FEE_SHARE:.0%} of capital for the intermediaries INDIGO lists")
        if has_intermediary
        else assume("none, because the record lists no intermediary"),
    )
    d.set(
        "operator.cash",
        float(round(CASH_SHARE * capital)),
        assume(f"the operator's own reserve, {CASH_SHARE:.0%} of capital"),
    )
    monthly = max(capital - fee, 0.0) / d.delivery
    why = (
        f"capital less fees ({d.money(capital - fee)}) pays for {d.delivery} months of "
        f"delivery ({d.enrol} of enrolment + a {d.service}-month spell)"
    )
    d.staff = round(COST_SPLIT["staff"] * monthly / d.workers, 2)
    d.set("operator.staff_cost_per_worker_month", d.staff, assume(f"{why}, 75% staff"))
    d.set(
        "operator.cost_per_place_month",
        round(COST_SPLIT["places"] * monthly / d.capacity, 2),
        assume(f"{why}, 10% per place"),
    )
    d.set(
        "operator.fixed_costs_month",
        round(COST_SPLIT["fixed"] * monthly, 2),
        assume(f"{why}, 15% overheads"),
    )
