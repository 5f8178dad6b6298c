"""When the contract runs: service start and length, cohorts, and the COVID-19 shock.

Why these belong together: the model counts in months from the service start, so the start date,
the service period, the cohort plan (enrolment windows plus one support spell) and the month a
pandemic shock lands are all positions on that one calendar.
"""

from __future__ import annotations

from .draft import Draft, assume
from .parse import month_index, parse_month, parse_number, shorten

COVID_MONTH = (2020, 3)
COVID_SHOCK = 0.2


def read_dates(d: Draft) -> None:
    """Service start and length in months, from the first usable INDIGO date fields."""
    _read_start(d)
    _read_duration(d)


def _read_start(d: Draft) -> None:
    """The service start, else the contract signatures, else the dataset's median year."""
    r = d.r
    start: tuple[int, int] | None = None
    for key, label in (
        ("date_service_start", "Start date of service provision"),
        ("date_outcomes_contract_signed", "Date outcomes contract signed"),
        ("date_all_contracts_signed", "Date contracts between all parties signed"),
    ):
        value = r.raw(key)
        if value is None:
            continue
        try:
            year, month, given = parse_month(value)
        except ValueError:
            r.bad("start", value)
            continue
        start = (year, month)
        d.start_src = r.cite(key, label) + ("" if given else " (January assumed)")
        break
    if start is None:
        r.missing("start")
        year, why = d.median("start_year", 2018)
        start = (int(year), 1)
        d.start_src = assume(f"{int(year)}, the {why}, because the record has no date")
    d.start = start


def _read_duration(d: Draft) -> None:
    """Anticipated, then actual, duration or end date; the median otherwise; 2–180 months."""
    r = d.r
    duration: int | None = None
    for key, label, is_date in (
        ("service_duration_anticipated", "Anticipated duration of service provision", False),
        ("date_service_end_anticipated", "Anticipated end date of service provision", True),
        ("service_duration_actual", "Actual duration of service provision", False),
        ("date_service_end_actual", "Actual end date of service provision", True),
    ):
        value = r.raw(key)
        if value is None:
            continue
        try:
            if is_date:
                months = month_index(d.start, parse_month(value, end=True)[:2]) + 1
            else:
                months = round(parse_number(value))
            if months <= 0:
                raise ValueError(value)
        except ValueError:
            r.bad("duration", value)
            continue
        duration = months
        d.duration_src = r.cite(key, label) + (" minus the start date" if is_date else " months")
        break
    if duration is None:
        r.missing("duration")
        months, why = d.median("duration_months", 48)
        duration = round(months)
        d.duration_src = assume(
            f"{duration} months, the {why}, because the record gives no service "
            "duration or end date"
        )
    if not 2 <= duration <= 180:
        clamped = min(max(duration, 2), 180)
        d.duration_src += f" (clamped from {duration} to {clamped} months)"
        duration = clamped
    d.duration = duration


def plan_timeline(d: Draft) -> None:
    """The service period holds the enrolment window plus one support spell."""
    prof = d.profile
    service = prof.service_months
    why = f"{prof.service_why} ({prof.en} default)"
    if service > d.duration // 2:
        service = max(1, d.duration // 2)
        why += f", shortened to half the {d.duration}-month service period"
    enrol = max(1, d.duration - service)
    d.cohorts = 3 if enrol >= 24 else 2 if enrol >= 12 else 1
    d.cohort_months = max(1, round(enrol / d.cohorts))
    d.service = service
    d.enrol = d.cohorts * d.cohort_months
    d.delivery = d.enrol + service
    plan = (
        f"the service period ({d.duration_src}) less one {service}-month support spell "
        f"leaves {enrol} months of enrolment"
    )
    d.set("intervention.service_months", service, assume(why))
    d.set("contract.cohorts", d.cohorts, assume(f"{plan}: yearly-or-so cohorts, at most 3"))
    d.set(
        "contract.cohort_months",
        d.cohort_months,
        assume(f"{plan}, split in {d.cohorts} cohort(s)"),
    )


def plan_covid(d: Draft) -> None:
    """A risk shock in March 2020 when the record reports COVID-19 changes mid-service."""
    covid = d.r.text("covid_changes")
    offset = month_index(d.start, COVID_MONTH)
    if covid and 0 <= offset < d.duration:
        d.set(
            "context.shock_month",
            offset,
            f"{d.pid} field 'Changes to project due to COVID-19' = "
            f"'{shorten(covid, 50)}': March 2020 is month {offset} of the service",
        )
        d.set(
            "context.shock_size",
            COVID_SHOCK,
            assume(
                "the pandemic raised everyone's adverse-outcome risk by 0.2 on the logit "
                "scale (about 5 points at 50%)"
            ),
        )
