"""A pure-numpy yardstick: the model's monthly work on people, vectorised, with no Mesa.

What it is for: `benchmarks/run.py` times the model and this program on one scenario in one
process and prints the ratio model ÷ yardstick. The yardstick is what a lean, single-function
numpy implementation of the same rules costs on this machine, so the ratio measures what the
model's structure (Mesa agents, objects, reporters) adds on top of the arithmetic.

The same rules, month by month, for a single-metric, binary, matched-comparison contract with
operator selection (the default scenario's design):
- build: the same population draws as `model.population.build_population` (risk, scores, hours
  scale, outcome uniforms, ring-lattice ties) and the same comparison pool;
- intake: draw applicants among the unseen, rank them by the operator's objective value (belief
  from the file and the interview, expected measured gain and mission value, the payment value
  from its projection of its current clients), offer places down the ranking, some refuse;
- planned hours: believed risk of each client, value amplitude and rate, the quality-hours grid
  with one water-filling level per grid point, this month's share of the plan;
- service: hours, experience, well-being, complaints, drop-outs, completions and positive exits;
- measurement: at each cohort's date, peers' spillover, treated and untreated outcomes from the
  fixed uniforms, a matched-comparison counterfactual (k nearest on the file), the trigger, and
  the operator's learning per profile band;
- the month's indices: caseload, enrolled so far, creaming, parking over everyone served so far
  and over this month's caseload, gaming.
The investor's pressure and the payment value are the model's formulas on scalars. Left out,
because they are a handful of scalar operations a month: the ledger, tranches, audits, fines.

Results are not the model's to the last digit (the monthly random draws come in another
order), but the same people are served in the same numbers: `run.py` prints both counts.

Usage: python benchmarks/yardstick.py [--size 100000] [--seed 0] (prints one JSON line)
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ENROLLED, COMPLETED, DROPPED, REFUSED = 1, 2, 3, 4
BELIEF_BINS = 10
QUALITY_GRID = np.linspace(0.0, 2.0, 21)


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


def norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def norm_ppf_deciles() -> np.ndarray:
    """Standard normal quantiles at 0.1 … 0.9 (the operator's belief bands)."""
    return np.array([-1.2815516, -0.8416212, -0.5244005, -0.2533471, 0.0,
                     0.2533471, 0.5244005, 0.8416212, 1.2815516])  # fmt: skip


@dataclass(frozen=True)
class Params:
    """The numbers the rules read, taken from a scenario (`from_scenario`)."""

    size: int
    baseline_rate: float
    risk_concentration: float
    admin_noise: float
    private_noise: float
    hardness: float
    refusal_rate: float
    dropout_rate: float
    network_degree: int
    network_rewire: float
    spillover: float
    effect: float
    max_logit_reduction: float
    hours_scale: float
    service_months: int
    experience_gain: float
    experience_scale: float
    wellbeing_speed: float
    caseworkers: int
    capacity: int
    intake_per_month: int
    hours_per_worker: float
    mission_weight: float
    value_per_avoided_event: float
    value_of_wellbeing: float
    initial_insight: float
    believed_effect: float
    intake_pool_factor: float
    capital: float
    required_return: float
    pressure_sensitivity: float
    prior_effect: float
    prior_strength: float
    comparison_matches: int
    pool_size: int
    threshold: float
    price_per_outcome: float
    max_payment: float
    audit_rate: float
    audit_penalty: float
    audit_detection: float
    quality_standard_hours: float
    cohorts: int
    cohort_months: int
    measurement_months: int
    months: int

    @classmethod
    def from_scenario(cls, sc) -> Params:
        from cislab.model.budget import comparison_pool_size

        p, iv, op, c = sc.population, sc.intervention, sc.operator, sc.contract
        return cls(
            size=p.size,
            baseline_rate=p.baseline_rate,
            risk_concentration=p.risk_concentration,
            admin_noise=p.admin_noise,
            private_noise=p.private_noise,
            hardness=p.hardness,
            refusal_rate=p.refusal_rate,
            dropout_rate=p.dropout_rate,
            network_degree=p.network_degree,
            network_rewire=p.network_rewire,
            spillover=p.spillover,
            effect=iv.effect,
            max_logit_reduction=iv.max_logit_reduction,
            hours_scale=iv.hours_scale,
            service_months=iv.service_months,
            experience_gain=iv.experience_gain,
            experience_scale=iv.experience_scale,
            wellbeing_speed=iv.wellbeing_speed,
            caseworkers=op.caseworkers,
            capacity=sc.capacity,
            intake_per_month=sc.intake_per_month,
            hours_per_worker=op.hours_per_worker,
            mission_weight=op.mission_weight,
            value_per_avoided_event=op.value_per_avoided_event,
            value_of_wellbeing=op.value_of_wellbeing,
            initial_insight=op.initial_insight,
            believed_effect=op.believed_effect,
            intake_pool_factor=op.intake_pool_factor,
            capital=sc.investor.capital,
            required_return=sc.investor.required_return,
            pressure_sensitivity=sc.investor.pressure_sensitivity,
            prior_effect=sc.investor.prior_effect,
            prior_strength=sc.investor.prior_strength,
            comparison_matches=sc.evaluator.comparison_matches,
            pool_size=comparison_pool_size(sc),
            threshold=c.threshold,
            price_per_outcome=c.price_per_outcome,
            max_payment=c.max_payment,
            audit_rate=c.audit_rate,
            audit_penalty=c.audit_penalty,
            audit_detection=c.audit_detection,
            quality_standard_hours=c.quality_standard_hours,
            cohorts=c.cohorts,
            cohort_months=c.cohort_months,
            measurement_months=c.measurement_months,
            months=sc.contract_months,
        )


def beta_risks(n: int, p: Params, rng: np.random.Generator) -> np.ndarray:
    a, b = p.baseline_rate * p.risk_concentration, (1 - p.baseline_rate) * p.risk_concentration
    return np.clip(rng.beta(a, b, n), 0.005, 0.995)


def ring_ties(n: int, p: Params, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Both directions of each tie of a ring lattice with rewiring (duplicates removed)."""
    half = p.network_degree // 2
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    moved = rng.random(src.size) < p.network_rewire
    dst[moved] = rng.integers(0, n, moved.sum())
    keep = src != dst
    src, dst = src[keep], dst[keep]
    pairs = np.concatenate([src * n + dst, dst * n + src])
    pairs.sort()
    first = np.empty(pairs.size, bool)
    first[:1] = True
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
    pairs = pairs[first]
    return pairs // n, pairs % n


def nearest_mean(keys: np.ndarray, values: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Mean of the values of the k sorted keys nearest each query (sliding window)."""
    n = keys.size
    pos = np.searchsorted(keys, queries)
    start = np.clip(pos - k // 2, 0, n - k)
    for _ in range(k):
        left_gap = np.where(start > 0, queries - keys[np.maximum(start - 1, 0)], np.inf)
        right_gap = np.where(start + k < n, keys[np.minimum(start + k, n - 1)] - queries, np.inf)
        move_left = (left_gap < keys[start + k - 1] - queries) & (start > 0)
        move_right = (right_gap < queries - keys[start]) & (start + k < n) & ~move_left
        if not (move_left.any() or move_right.any()):
            break
        start = start - move_left + move_right
    return values[start[:, None] + np.arange(k)[None, :]].mean(axis=1)


def run(p: Params, seed: int, clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Build and run; returns what was done (people, client-months, results) and the times,
    read on `clock` (wall time by default; `time.process_time` for CPU time)."""
    t0 = clock()
    n = p.size
    # ----------------------------------------------------------------- the population
    g = np.random.default_rng([seed, 1])
    risk = beta_risks(n, p, g)
    lr = logit(risk)
    admin = lr + g.normal(0.0, p.admin_noise, n)
    private = lr + g.normal(0.0, p.private_noise, n)
    hours_scale = p.hours_scale * (risk / risk.mean()) ** p.hardness
    u_outcome, _u_prior, u_refuse = g.random(n), g.random(n), g.random(n)
    _queue = g.permutation(n)
    tie_from, tie_to = ring_ties(n, p, g)
    degree = np.bincount(tie_from, minlength=n)
    g = np.random.default_rng([seed, 2])
    pool_risk = beta_risks(p.pool_size, p, g)
    pool_admin = logit(pool_risk) + g.normal(0.0, p.admin_noise, p.pool_size)
    order = np.argsort(pool_admin)
    pool_risk, pool_admin = pool_risk[order], pool_admin[order]
    pool_u = g.random(p.pool_size)

    logit_mean, logit_var = float(lr.mean()), float(lr.var())
    baseline_mean = float(risk.mean())
    admin_w = logit_var / (logit_var + p.admin_noise**2)
    admin_sd = math.sqrt(1.0 + math.pi * logit_var * (1.0 - admin_w) / 8.0)

    def admin_risk(score: np.ndarray) -> np.ndarray:
        return expit((logit_mean + admin_w * (score - logit_mean)) / admin_sd)

    prec_prior = 1.0 / logit_var
    prec_admin = 1.0 / max(p.admin_noise**2, 1e-6)
    prec_private = max(p.initial_insight, 1e-3) / max(p.private_noise**2, 1e-6)
    belief_var = 1.0 / (prec_prior + prec_admin + prec_private)
    bin_edges = logit_mean + math.sqrt(logit_var) * norm_ppf_deciles()
    offsets = np.zeros(BELIEF_BINS)

    status = np.zeros(n, np.int8)
    cohort_of = np.full(n, -1, np.int16)
    enrol_month = np.full(n, -1, np.int32)
    exit_month = np.full(n, -1, np.int32)
    hours_metric = np.zeros(n)
    hours_effective = np.zeros(n)
    plan_hours = np.zeros(n)
    wellbeing = np.full(n, np.nan)
    rng = np.random.default_rng(seed)
    build_s = clock() - t0

    def belief(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean = belief_var * (
            prec_prior * logit_mean + prec_admin * admin[idx] + prec_private * private[idx]
        )
        mean = mean / math.sqrt(1.0 + math.pi * belief_var / 8.0)
        band = np.searchsorted(bin_edges, mean)
        return expit(mean + offsets[band]), band

    def believed_scale(p_hat: np.ndarray) -> np.ndarray:
        return p.hours_scale * (p_hat / baseline_mean) ** p.hardness

    def gains(idx: np.ndarray, p_hat: np.ndarray, hours: float | np.ndarray, experience: float):
        shift = (
            p.believed_effect
            * p.max_logit_reduction
            * (1.0 - np.exp(-np.asarray(hours) * experience / believed_scale(p_hat)))
        )
        treated = expit(logit(p_hat) - shift)
        return admin_risk(admin[idx]) - treated, p_hat - treated  # measured, avoided

    def pass_probability(gain: float, people: float) -> float:
        var = p.baseline_rate * (1 - p.baseline_rate)
        people = max(people, 1.0)
        se = math.sqrt(var * (1.0 / people + 1.0 / (people * p.comparison_matches)))
        return norm_cdf((gain - p.threshold) / max(se, 1e-9))

    planned = float(p.intake_per_month * p.cohorts * p.cohort_months)
    cohort_size = planned / p.cohorts
    need = p.capital * (1 + p.required_return) ** (p.months / 12)
    break_even = need / max(p.price_per_outcome * planned, 1e-9)
    measure_at = {
        (c + 1) * p.cohort_months + p.service_months + p.measurement_months - 1: c
        for c in range(p.cohorts)
    }
    pressure, client_months, quality_total, paid = 0.0, 0.0, 0.0, 0.0
    exits = positive_exits = 0
    counted_total, measured_total, true_total = 0, 0.0, 0.0
    last_clients = np.zeros(0, np.intp)
    names = ("caseload", "enrolled", "creaming", "parking", "parking_month", "gaming")
    series: dict[str, list[float]] = {name: [] for name in names}
    quality = standard = p.quality_standard_hours
    per_month_hours = p.hours_per_worker * p.caseworkers / p.capacity
    dose = 1 - math.exp(-max(0.0, per_month_hours - quality) * p.service_months / p.hours_scale)
    shift = p.prior_effect * p.max_logit_reduction * dose
    prior_gain = p.baseline_rate - float(expit(np.array(logit(p.baseline_rate) - shift)))
    complaints_last = caseload_last = 0

    t1 = clock()
    for month in range(p.months):
        experience = 1.0 + p.experience_gain * (1.0 - math.exp(-client_months / p.experience_scale))
        # the investor's view, and the pressure the operator hears
        estimate = None
        if counted_total:
            estimate = measured_total / counted_total
        elif exits >= 20:
            seen = positive_exits / exits - (1.0 - p.baseline_rate)
            estimate = (p.prior_strength * prior_gain + exits * seen) / (p.prior_strength + exits)
        if estimate is not None:
            gap = (break_even - estimate) / break_even if break_even > 0 else 0.0
            wanted = min(max(p.pressure_sensitivity * gap, 0.0), 1.0)
            pressure = 0.5 * pressure + 0.5 * wanted
        w = p.mission_weight * (1.0 - pressure)
        # the operator's projection of its current clients, and the payment value
        if last_clients.size >= 10:
            p_hat, _ = belief(last_clients)
            hours = np.maximum(plan_hours[last_clients], hours_metric[last_clients])
            projected = float(gains(last_clients, p_hat, hours, experience)[0].mean())
        else:
            projected = prior_gain
        estimate_op = measured_total / counted_total if counted_total else projected
        expected = p.price_per_outcome * max(estimate_op, 0.01) * max(planned - counted_total, 1)
        headroom = min(max(p.max_payment - paid, 0.0) / expected, 1.0)
        pay_value = p.price_per_outcome * pass_probability(projected, cohort_size) * headroom

        # ------------------------------------------------------------- intake
        enrolling = month < p.cohorts * p.cohort_months
        if enrolling:
            caseload = int((status == ENROLLED).sum())
            slots = min(p.capacity - caseload, p.intake_per_month)
            if slots > 0:
                unseen = np.flatnonzero(status == 0)
                size = min(unseen.size, math.ceil(slots * p.intake_pool_factor))
                applicants = rng.choice(unseen, size=size, replace=False)
                p_hat, _ = belief(applicants)
                per_month = p.hours_per_worker * p.caseworkers / p.capacity
                spell = max(0.0, per_month - quality) * p.service_months
                measured, avoided = gains(applicants, p_hat, spell, experience)
                value = (1 - w) * pay_value * measured + (
                    w * p.value_per_avoided_event * p_hat / baseline_mean * avoided
                )
                ranked = applicants[np.argsort(-value, kind="stable")]
                accepts = u_refuse[ranked] >= p.refusal_rate
                offered = np.cumsum(accepts) - accepts < slots
                enrolled = ranked[offered & accepts]
                status[ranked[offered & ~accepts]] = REFUSED
                status[enrolled] = ENROLLED
                cohort_of[enrolled] = month // p.cohort_months
                enrol_month[enrolled] = month
                wellbeing[enrolled] = 0.5

        # ------------------------------------------------------------- planned hours
        clients = np.flatnonzero(status == ENROLLED)
        delivering = month < p.cohorts * p.cohort_months + p.service_months
        hours = np.zeros(clients.size)
        if clients.size and delivering:
            budget = p.caseworkers * p.hours_per_worker
            p_hat, _ = belief(clients)
            slope = p_hat * (1.0 - p_hat)
            per_logit = (1 - w) * pay_value * slope + (
                w * p.value_per_avoided_event * p_hat / baseline_mean * slope
            )
            amplitude = per_logit * p.believed_effect * p.max_logit_reduction
            rate = experience / believed_scale(p_hat)
            q = QUALITY_GRID * standard
            q = q[q * clients.size <= budget]
            audit = min(1.0, p.audit_rate * (1 + 5.0 * complaints_last / max(caseload_last, 1)))
            fine = audit * p.audit_detection * p.audit_penalty * np.maximum(0, 1 - q / standard)
            well = w * p.value_of_wellbeing * (1.0 - np.exp(-2.0 * q / standard))
            budgets = (budget - q * clients.size) * p.service_months
            top = amplitude * rate
            log_top = np.log(np.where(top > 0, top, 1e-300))
            inv = 1.0 / rate
            order = np.argsort(-log_top)
            lt, iv = log_top[order], inv[order]
            s1, s0 = np.cumsum(lt * iv), np.cumsum(iv)
            kinks = np.concatenate([[0.0], s1[:-1] - lt[1:] * s0[:-1]])
            active = np.clip(np.searchsorted(kinks, budgets, side="right"), 1, lt.size)
            levels = (s1[active - 1] - budgets) / s0[active - 1]
            plans = np.maximum(log_top[None, :] - levels[:, None], 0.0) * inv[None, :]
            value = (amplitude[None, :] * (1.0 - np.exp(-rate[None, :] * plans))).sum(axis=1)
            best = int(np.argmax(value / p.service_months + clients.size * (well - fine)))
            quality, plan = float(q[best]), plans[best]
            plan_hours[clients] = plan
            left = np.maximum(p.service_months - (month - enrol_month[clients]), 1)
            hours = np.maximum(plan - hours_metric[clients], 0.0) / left
            total, metric_budget = hours.sum(), budget - quality * clients.size
            if total > metric_budget > 0:
                hours *= metric_budget / total

            # --------------------------------------------------------- service
            nc = clients.size
            hours_metric[clients] += hours
            hours_effective[clients] += hours * experience
            client_months += nc
            quality_total += quality * nc
            mean_hours = max(hours.mean(), 1e-9)
            target = (
                0.3 + 0.6 * min(1.0, quality / standard) + 0.1 * np.minimum(1.0, hours / mean_hours)
            )
            wb = wellbeing[clients]
            wb = np.clip(wb + p.wellbeing_speed * (target - wb), 0.0, 1.0)
            wellbeing[clients] = wb
            distress = np.maximum(0.0, 0.5 - wb) / 0.5
            complaints_last, caseload_last = int((rng.random(nc) < 0.1 * distress).sum()), nc
            hazard = p.dropout_rate * (1 + 2 * distress + np.maximum(0, 1 - hours / mean_hours))
            drops = rng.random(nc) < np.clip(hazard, 0.0, 1.0)
            status[clients[drops]] = DROPPED
            exit_month[clients[drops]] = month
            done = (month - enrol_month[clients] + 1 >= p.service_months) & ~drops
            leavers = clients[done]
            if leavers.size:
                status[leavers] = COMPLETED
                exit_month[leavers] = month
                gain = (
                    p.effect
                    * p.max_logit_reduction
                    * (1 - np.exp(-hours_effective[leavers] / hours_scale[leavers]))
                )
                positive = rng.random(leavers.size) >= expit(lr[leavers] - gain)
                exits += leavers.size
                positive_exits += int(positive.sum())
        last_clients = clients

        # ------------------------------------------------------------- measurement
        cohort = measure_at.get(month)
        if cohort is not None:
            served = enrol_month >= 0
            idx = np.flatnonzero((cohort_of == cohort) & served)
            if idx.size:
                peers = np.bincount(tie_from, served[tie_to], minlength=n)
                spill = p.spillover * np.divide(peers, degree, out=np.zeros(n), where=degree > 0)
                gain = (
                    p.effect
                    * p.max_logit_reduction
                    * (1 - np.exp(-hours_effective[idx] / hours_scale[idx]))
                )
                u = u_outcome[idx]
                y1 = (u > 1 - expit(lr[idx] - spill[idx] - gain)).astype(float)
                y0 = (u > 1 - expit(lr[idx] - spill[idx])).astype(float)
                pool_y = (pool_u > 1 - pool_risk).astype(float)
                cf = nearest_mean(pool_admin, pool_y, admin[idx], p.comparison_matches)
                measured_total += float(cf.sum() - y1.sum())
                true_total += float((y0 - y1).sum())
                counted_total += idx.size
                if (cf.sum() - y1.sum()) / idx.size >= p.threshold:
                    paid = min(p.max_payment, paid + p.price_per_outcome * (cf.sum() - y1.sum()))
                # the operator learns per band from its clients' outcomes
                p_hat, band = belief(idx)
                shift = (
                    p.believed_effect
                    * p.max_logit_reduction
                    * (1 - np.exp(-hours_metric[idx] * experience / believed_scale(p_hat)))
                )
                predicted = expit(logit(p_hat) - shift)
                slope = np.maximum(predicted * (1 - predicted), 0.02)
                k = np.bincount(band, minlength=BELIEF_BINS).astype(float)
                miss = np.bincount(band, y1 - predicted, minlength=BELIEF_BINS)
                slope_sum = np.bincount(band, slope, minlength=BELIEF_BINS)
                step = np.divide(miss, slope_sum, out=np.zeros(BELIEF_BINS), where=k > 0)
                offsets += k / (k + 20.0) * np.clip(step, -2, 2)

        # ------------------------------------------------------------- the month's indices
        ever = enrol_month >= 0
        series["caseload"].append(clients.size)
        series["enrolled"].append(int(ever.sum()))
        series["creaming"].append(float(risk.mean() - risk[ever].mean()) if ever.any() else 0.0)
        months_in = np.where(exit_month >= 0, exit_month, month) - enrol_month + 1
        per_month = hours_metric[ever] / months_in[ever]
        r = risk[ever]
        parking = 0.0
        if r.size >= 5 and per_month.mean() > 0:
            parking = 1 - per_month[r >= np.quantile(r, 0.8)].mean() / per_month.mean()
        series["parking"].append(parking)
        parking_month = math.nan
        if clients.size >= 5 and hours.mean() > 0:
            rc = risk[clients]
            parking_month = 1 - hours[rc >= np.quantile(rc, 0.8)].mean() / hours.mean()
        series["parking_month"].append(parking_month)
        series["gaming"].append(max(0.0, 1 - quality_total / max(client_months, 1) / standard))
    run_s = clock() - t1

    return {
        "people": n,
        "months": p.months,
        "enrolled": int((enrol_month >= 0).sum()),
        "client_months": client_months,
        "measured_effect": measured_total / counted_total if counted_total else math.nan,
        "true_effect": true_total / counted_total if counted_total else math.nan,
        "build_s": build_s,
        "run_s": run_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scaled import scaled_scenario

    print(json.dumps(run(Params.from_scenario(scaled_scenario(args.size)), args.seed)))


if __name__ == "__main__":
    main()
