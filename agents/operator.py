"""The operator: an association or social enterprise running the programme.

It maximises a weighted mix of mission (need-weighted avoided adverse events, valued at
`value_per_avoided_event`) and finance (expected outcome payments under the contract's method,
threshold and caps, minus expected audit fines). Everything it does follows from that objective
and from its beliefs about people, which it refines as results come in:

- whom to admit (where the contract lets it choose): applicants ranked by objective value;
- how to plan hours: scarce caseworker hours spread over each client's whole spell so the
  marginal value of an hour is equal across clients (water-filling) — which is where parking
  comes from when a binary metric's margin sits away from the hardest cases;
- how much of each client-month goes to unmeasured quality, weighing well-being (mission), the
  metric hours it displaces (their shadow price) and the expected audit fine — gaming;
- what it learns: per profile band, how far observed outcomes differ from what it predicted.

Investor pressure lowers the weight on mission. Experience makes each hour more effective.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np
from cislab.agents.expectations import audit_chance_this_month, trigger_probability
from cislab.agents.follow_up import FollowUp
from cislab.agents.practice import Practice
from cislab.model.outcomes import events_slope, expected_events
from cislab.model.population import Status, shifted
from cislab.model.schema import Evaluation, Metric, OutcomeMetric
from cislab.model.terms import price_multipliers
from scipy.special import expit, ndtri  # ndtri = norm.ppf, without importing scipy.stats

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

BELIEF_BINS = 10
PRESSURE_SMOOTHING = 0.5
LEARNING_PRIOR_COUNT = 20.0
QUALITY_GRID = np.linspace(0.0, 2.0, 21)


class Operator(mesa.Agent):
    model: CISModel

    def __init__(self, model: CISModel) -> None:
        super().__init__(model)
        sc = model.config
        self.params = sc.operator
        self.active = True
        self.caseworkers = sc.operator.caseworkers  # its team: a volume clause may resize it
        self.resize_month: int | None = None
        self.practice = Practice(sc.intervention, BELIEF_BINS)
        self.follow_up = FollowUp(model.population.size)
        self.pressure = 0.0
        self.client_months = 0.0
        self.quality_per_client = sc.contract.quality_standard_hours
        self.shadow_price = 0.0
        stats = model.public
        self.bin_edges = stats.logit_mean + math.sqrt(stats.logit_var) * ndtri(
            np.arange(1, BELIEF_BINS) / BELIEF_BINS
        )
        self.offsets = np.zeros(BELIEF_BINS)
        self.offset_counts = np.zeros(BELIEF_BINS)
        self.last_hours = np.zeros(0)
        self.last_quality_share = 0.0
        self._projection: tuple[int, float | None] = (-1, None)  # (month, projected gain)
        # Decisions a person can take in the operator's place (the teaching game, what-ifs);
        # None leaves them to the operator's own objective.
        self.targeting: str | None = None  # "hardest_first", "easiest_first" or "random"
        self.quality_target: float | None = None  # quality hours per client-month

    # Values kept for speed (`_everyone_*`): rebuilt on demand, so never pickled (the game
    # snapshots the model every turn).
    _KEPT = ("_belief", "_risk", "_metric_risk", "_matched_counterfactual")

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in self._KEPT}

    # ------------------------------------------------------------------ beliefs
    @property
    def mission_weight(self) -> float:
        """Weight on mission; investor pressure shifts it towards measured results."""
        return self.params.mission_weight * (1.0 - self.pressure)

    @property
    def capacity(self) -> int:
        """Places its team can serve at a time."""
        return self.caseworkers * self.params.caseload_per_worker

    @property
    def intake_per_month(self) -> int:
        """Admissions a month: as the scenario sets, within the team's steady flow."""
        if self.caseworkers == self.params.caseworkers:
            return self.model.config.intake_per_month
        steady = max(1, round(self.capacity / self.model.config.intervention.service_months))
        return min(self.model.config.intake_per_month, steady)

    def resize(self, caseworkers: int) -> None:
        """Shrink (or grow) the team: fewer places, fewer staff costs from this month."""
        self.caseworkers = max(1, int(caseworkers))
        if self.resize_month is None:
            self.resize_month = self.model.month

    def hour_value(self, clients: np.ndarray) -> float | np.ndarray:
        """What an hour of service is worth for each client: experience × learnt practice."""
        if not self.practice.on:
            return self.experience
        _, band = self.believed_logit(clients)
        return self.experience * self.practice.multiplier(band)

    @property
    def experience(self) -> float:
        """Effectiveness multiplier of an hour, growing with client-months served."""
        iv = self.model.config.intervention
        return 1.0 + iv.experience_gain * (
            1.0 - math.exp(-self.client_months / iv.experience_scale)
        )

    def believed_logit(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior logit risk from the admin profile and the intake interview, before learning.

        Returns the belief and its profile band. Low `initial_insight` means the operator
        trusts its interview less than the statistics warrant.
        """
        mean, band = self._everyone_belief()
        return mean[idx], band[idx]

    def believed_risk(self, idx: np.ndarray) -> np.ndarray:
        """Believed risk after learning: the belief moved by its band's learnt offset."""
        return self._everyone_risk()[idx]

    def _everyone_belief(self) -> tuple[np.ndarray, np.ndarray]:
        """Belief and band of every person, computed once: they depend only on the person's
        file and interview and on fixed parameters, and intake, planning and projections ask
        for them several times a month (element by element, the same numbers as computing
        them for the people asked about)."""
        pop, stats, p = self.model.population, self.model.public, self.model.config.population
        prec_prior = 1.0 / stats.logit_var
        prec_admin = 1.0 / max(p.admin_noise**2, 1e-6)
        prec_private = max(self.params.initial_insight, 1e-3) / max(p.private_noise**2, 1e-6)
        key = (prec_admin, prec_private, tuple(self.bin_edges))
        cached = getattr(self, "_belief", None)
        if cached is None or cached[0] is not pop or cached[1] is not stats or cached[2] != key:
            var = 1.0 / (prec_prior + prec_admin + prec_private)
            mean = var * (
                prec_prior * stats.logit_mean
                + prec_admin * pop.admin_score
                + prec_private * pop.private_score
            )
            mean = mean / math.sqrt(1.0 + math.pi * var / 8.0)
            self._belief = cached = (pop, stats, key, mean, np.searchsorted(self.bin_edges, mean))
        return cached[3], cached[4]

    def _everyone_risk(self) -> np.ndarray:
        """Believed risk of every person, recomputed only when learning moved an offset."""
        mean, band = self._everyone_belief()
        cached = getattr(self, "_risk", None)
        if cached is None or cached[0] is not mean or not np.array_equal(cached[1], self.offsets):
            self._risk = cached = (mean, self.offsets.copy(), expit(mean + self.offsets[band]))
        return cached[2]

    def _everyone_metric_risk(self, k: int) -> np.ndarray:
        """Believed risk on metric k of every person (the belief moved to the metric's own
        rate), kept while the belief and the metric's shift hold."""
        risk, shift = self._everyone_risk(), self.model.truth.metric_shift(k)
        cache = self.__dict__.setdefault("_metric_risk", {})
        hit = cache.get(k)
        if hit is None or hit[0] is not risk or hit[1] != shift:
            hit = cache[k] = (risk, shift, shifted(risk, shift))
        return hit[2]

    def _everyone_matched_counterfactual(self, k: int, kind: Metric) -> np.ndarray:
        """What a matched comparison will expect of every person on metric k: fixed by their
        file, so computed once."""
        pop, public, shift = (
            self.model.population,
            self.model.public,
            self.model.truth.metric_shift(k),
        )
        cache = self.__dict__.setdefault("_matched_counterfactual", {})
        hit = cache.get((k, kind, shift))
        if hit is None or hit[0] is not pop or hit[1] is not public:
            admin = public.admin_risk(pop.admin_score)
            hit = cache[k, kind, shift] = (
                pop,
                public,
                expected_events(shifted(admin, shift), kind),
            )
        return hit[2]

    def believed_shift(self, hours: np.ndarray | float, p_hat: np.ndarray) -> np.ndarray:
        """Fall in logit risk the operator expects from `hours` of service over a spell."""
        iv = self.model.config.intervention
        scale = (
            iv.hours_scale
            * (p_hat / self.model.baseline_mean) ** self.model.config.population.hardness
        )
        return (
            self.params.believed_effect
            * iv.max_logit_reduction
            * (1.0 - np.exp(-np.asarray(hours) * self.experience / scale))
        )

    # ------------------------------------------------------------------ incentives
    def counterfactual_belief(
        self, idx: np.ndarray, p_hat: np.ndarray, metric: OutcomeMetric, k: int
    ) -> np.ndarray:
        """Expected counterfactual of metric k for these people under its evaluation method."""
        method, kind = metric.evaluation, metric.kind
        if method == Evaluation.rct:
            return expected_events(p_hat, kind)
        if method == Evaluation.pre_post:
            if kind == Metric.binary:
                return np.ones_like(p_hat)
            lam = expected_events(p_hat, kind)
            return lam / np.maximum(1.0 - np.exp(-lam), 1e-9)
        return self._everyone_matched_counterfactual(k, kind)[idx]

    def expected_gains(
        self, idx: np.ndarray, hours: float | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per person: Σ_k weight × measured gain on metric k, and avoided primary outcomes."""
        p_hat = self.believed_risk(idx)
        base_shift = self.believed_shift(hours, p_hat)
        measured = np.zeros(idx.size)
        avoided_primary = np.zeros(idx.size)
        for k, metric in enumerate(self.model.config.outcome_metrics):
            p_k = self._everyone_metric_risk(k)[idx]  # p_hat moved to metric k's rate
            treated = expected_events(shifted(p_k, -metric.effect_scale * base_shift), metric.kind)
            avoided = expected_events(p_k, metric.kind) - treated
            if k == 0:
                avoided_primary = avoided
            if metric.evaluation == Evaluation.rct:
                gain = avoided
            else:
                gain = self.counterfactual_belief(idx, p_k, metric, k) - treated
            measured += metric.weight * gain
        return measured, avoided_primary

    def payment_value(self) -> float:
        """Expected euros per extra measured outcome: price × P(trigger) × headroom under caps."""
        model = self.model
        c = model.config.contract
        if not model.contract.signed or c.price_per_outcome <= 0:
            return 0.0  # nothing paid for results (a public service): no trigger to weigh
        p_trigger = self.projected_trigger_probability()
        headroom = self.payment_headroom()
        return model.config.outcome_price * p_trigger * headroom

    def projected_gain(self) -> float | None:
        """Measured gain per person on the primary metric it expects for its current clients,
        from its own beliefs (None with fewer than 10 clients to judge by). Computed once a
        month: intake and planning ask for it several times."""
        model = self.model
        if self._projection[0] != model.month:
            clients = model.last_clients
            gain = None
            if clients.size >= 10:
                pop = model.population
                hours = np.maximum(pop.plan_hours[clients], pop.hours_metric[clients])
                weighted, _ = self.expected_gains(clients, hours)
                gain = float(weighted.mean()) / model.payment_multiplier
            self._projection = (model.month, gain)
        return self._projection[1]

    def projected_trigger_probability(self) -> float:
        """Its current cohort passing, from its own beliefs about its current clients."""
        gain = self.projected_gain()
        if gain is None:  # nothing to judge by yet: the contract's business plan
            gain = self.model.investor.prior_effect()
        return trigger_probability(self.model.contract, gain)

    def effect_estimate(self) -> float:
        """Measured gain per person it expects on the primary metric: the published results
        once any exist, else its own projection, else the contract's business plan. Its own,
        not the investor's: each party judges the contract by what it can see."""
        model = self.model
        primary = model.config.outcome_metrics[0].name
        results = [r for r in model.evaluator.results if r.metric == primary]
        if results:
            n = sum(r.counted for r in results)
            return sum(r.measured_effect * r.counted for r in results) / max(n, 1)
        gain = self.projected_gain()
        return gain if gain is not None else self.model.investor.prior_effect()

    def payment_headroom(self) -> float:
        """Share of the next expected payments that still fits under the maximum payment."""
        model = self.model
        sc = model.config
        counted = float(sum(r.counted for r in model.evaluator.results))
        remaining_people = max(model.contract.planned_counted() - counted, 1.0)
        expected = (
            sc.outcome_price
            * model.payment_multiplier
            * max(self.effect_estimate(), 0.01)
            * remaining_people
        )
        room = sc.outcome_max_payment - model.state.paid - model.contract.pending_amount()
        return float(np.clip(max(0.0, room) / expected, 0.0, 1.0))

    # ------------------------------------------------------------------ governance
    def hear_governance(self) -> None:
        """Take in the investor's latest demand: pressure shifts its weight towards measured
        results, smoothly (a board does not turn an association round in a month)."""
        wanted = self.model.contract.pressure_demand
        if wanted is None:
            return
        self.model.contract.pressure_demand = None
        self.pressure = (1 - PRESSURE_SMOOTHING) * self.pressure + PRESSURE_SMOOTHING * wanted

    def value_per_person(self, idx: np.ndarray, hours: float) -> np.ndarray:
        """Objective value of enrolling each person, given a typical spell of `hours`."""
        sc = self.model.config
        measured, avoided = self.expected_gains(idx, hours)
        tiers = price_multipliers(
            sc.contract, self.model.public, self.model.population.admin_score[idx]
        )
        w = self.mission_weight
        need = self.believed_risk(idx) / self.model.baseline_mean
        return (
            (1.0 - w) * self.payment_value() * tiers * measured
            + w * self.params.value_per_avoided_event * need * avoided
        )

    # ------------------------------------------------------------------ intake
    def typical_spell_hours(self) -> float:
        sc = self.model.config
        per_month = sc.operator.hours_per_worker * self.caseworkers / self.capacity
        return max(0.0, per_month - self.quality_per_client) * sc.intervention.service_months

    def choose(
        self, candidates: np.ndarray, cohort_members: np.ndarray, slots: int | None = None
    ) -> np.ndarray:
        """Rank applicants by objective value, best first (places are offered in this order).

        Under a representative-cohort rule, the operator adds the smallest bonus for
        administratively riskier applicants that keeps its cohort, with the first `slots`
        applicants, within the rule's tolerance of the eligible population.
        """
        if candidates.size == 0:
            return candidates
        if self.targeting is not None:
            return self.rank_by_rule(candidates, self.targeting)
        value = self.value_per_person(candidates, self.typical_spell_hours())
        c = self.model.config.contract
        order = np.argsort(-value, kind="stable")
        if not c.representative_cohort:
            return candidates[order]
        slots = candidates.size if slots is None else slots
        pop, public = self.model.population, self.model.public
        admin_risk = public.admin_risk(pop.admin_score[candidates])
        member_risk = public.admin_risk(pop.admin_score[cohort_members])
        target = self.model.eligible_admin_risk - c.representative_tolerance
        scale = (value.std() + 1e-9) / (admin_risk.std() + 1e-9)
        for bonus in (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 64.0, 1e6):
            order = np.argsort(-(value + bonus * scale * admin_risk), kind="stable")
            if np.concatenate([member_risk, admin_risk[order[:slots]]]).mean() >= target:
                break
        return candidates[order]

    def rank_by_rule(self, candidates: np.ndarray, rule: str) -> np.ndarray:
        """Applicants ranked by a fixed targeting rule on the operator's belief about risk:
        `hardest_first`, `easiest_first` or `random`."""
        if rule == "random":
            return self.model.rng.permutation(candidates)
        p_hat = self.believed_risk(candidates)
        if rule == "hardest_first":
            return candidates[np.argsort(-p_hat, kind="stable")]
        if rule == "easiest_first":
            return candidates[np.argsort(p_hat, kind="stable")]
        raise ValueError(f"targeting rule {rule!r}: allowed hardest_first, easiest_first, random")

    # ------------------------------------------------------------------ effort
    def plan_effort(self) -> tuple[np.ndarray, np.ndarray, float]:
        """This month's metric hours per client (in caseload order) and quality hours per client.

        Plans over each client's whole spell: the spell budget (this month's hours × spell
        length) is spread so marginal values are equal; this month delivers the plan's remaining
        hours over the months left.
        """
        model = self.model
        sc = model.config
        clients = np.flatnonzero(model.population.status == Status.enrolled)
        if clients.size == 0 or not self.active:
            return clients, np.zeros(clients.size), 0.0
        budget = self.caseworkers * sc.operator.hours_per_worker
        budget = max(budget - self.follow_up.hours_due(model), 0.0)
        p_hat = self.believed_risk(clients)
        amplitude, rate = self._hour_values(clients, p_hat)
        if self.quality_target is None:
            quality, plan, metric_budget = self.split_hours(amplitude, rate, budget, clients.size)
        else:  # a person decides the quality hours; the plan follows
            quality = min(max(self.quality_target, 0.0), budget / clients.size)
            metric_budget = budget - quality * clients.size
            spell_budget = metric_budget * sc.intervention.service_months
            plan, self.shadow_price = water_fill(amplitude, rate, spell_budget)
        self.quality_per_client = quality
        pop = model.population
        pop.plan_hours[clients] = plan
        served = model.month - pop.enrol_month[clients]
        remaining = np.maximum(sc.intervention.service_months - served, 1)
        hours = np.maximum(plan - pop.hours_metric[clients], 0.0) / remaining
        total = hours.sum()
        if total > metric_budget > 0:
            hours *= metric_budget / total
        return clients, hours, quality

    def _hour_values(self, clients: np.ndarray, p_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Value amplitude A and rate c of each client's V(h) = A (1 - exp(-c h)).

        A linearises each metric's response to service at the client's believed risk (`p_hat`,
        `believed_risk(clients)`): what a full dose is worth in payments (by metric weight and
        price tier) and in mission.
        """
        sc = self.model.config
        w = self.mission_weight
        tiers = price_multipliers(
            sc.contract, self.model.public, self.model.population.admin_score[clients]
        )
        paid_slope = np.zeros(clients.size)
        for k, metric in enumerate(sc.outcome_metrics):
            p_k = self._everyone_metric_risk(k)[clients]  # p_hat moved to metric k's rate
            paid_slope += metric.weight * metric.effect_scale * events_slope(p_k, metric.kind)
        primary = sc.outcome_metrics[0]
        need = p_hat / self.model.baseline_mean
        mission_slope = need * events_slope(p_hat, primary.kind)
        per_logit = (
            (1.0 - w) * self.payment_value() * tiers * paid_slope
            + w * self.params.value_per_avoided_event * mission_slope
        )
        amplitude = per_logit * self.params.believed_effect * sc.intervention.max_logit_reduction
        scale = (
            sc.intervention.hours_scale
            * (p_hat / self.model.baseline_mean) ** sc.population.hardness
        )
        return amplitude, self.hour_value(clients) / scale

    def split_hours(
        self, amplitude: np.ndarray, rate: np.ndarray, budget: float, clients: int
    ) -> tuple[float, np.ndarray, float]:
        """Quality hours per client-month, the metric plan, and this month's metric budget.

        Tries quality levels on a grid and keeps the one with the most total value: metric hours
        planned over the spell (value per month of plan) plus, per client, well-being (mission)
        minus the expected audit fine on any shortfall below the contract's standard.
        """
        c = self.model.config.contract
        months = self.model.config.intervention.service_months
        standard = c.quality_standard_hours
        reference = standard if standard > 0 else 1.0
        q = QUALITY_GRID * reference
        q = q[q * clients <= budget]
        wellbeing = (
            self.mission_weight
            * self.params.value_of_wellbeing
            * (1.0 - np.exp(-2.0 * q / reference))
        )
        shortfall = np.maximum(0.0, 1.0 - q / standard) if standard > 0 else np.zeros_like(q)
        fine = audit_chance_this_month(self.model) * c.audit_detection * c.audit_penalty * shortfall
        metric_budgets = budget - q * clients
        levels = water_levels(amplitude, rate, metric_budgets * months)
        top = amplitude * rate
        log_top = np.log(np.where(top > 0, top, 1e-300))
        # A level of −inf means no client is worth an hour (e.g. a believed effect of 0): plan
        # none, rather than inf hours that the monthly rescaling would turn into 0/0 = NaN.
        worth = np.isfinite(levels)
        level = np.where(worth, levels, 0.0)
        plans = np.maximum(log_top[None, :] - level[:, None], 0.0) / rate[None, :]
        if not worth.all():
            plans[~worth] = 0.0
        value = (amplitude[None, :] * (1.0 - np.exp(-rate[None, :] * plans))).sum(axis=1)
        total = value / months + clients * (wellbeing - fine)
        best = int(np.argmax(total))
        self.shadow_price = math.exp(levels[best])
        return float(q[best]), plans[best], float(metric_budgets[best])

    # ------------------------------------------------------------------ learning
    def observe_outcomes(self, clients: np.ndarray) -> None:
        """A measured cohort's outcomes are known: learn from those of its own clients whom to
        admit (its beliefs) and how to serve them (its practice, band by band)."""
        self.learn(clients, self.model.population.y_treated[clients])
        if self.practice.on and clients.size:
            self.practice.learn(self.believed_logit(clients)[1])

    def learn(self, clients: np.ndarray, observed: np.ndarray) -> None:
        """Update per-band corrections from observed outcomes of its own clients."""
        if clients.size == 0:
            return
        primary = self.model.config.outcome_metrics[0]
        metric = primary.kind
        pop = self.model.population
        base, band = self.believed_logit(clients)
        p_hat = expit(base + self.offsets[band])
        shift = primary.effect_scale * self.believed_shift(pop.hours_metric[clients], p_hat)
        predicted_p = shifted(p_hat, self.model.truth.metric_shift(0) - shift)
        predicted = expected_events(predicted_p, metric)
        slope = np.maximum(events_slope(predicted_p, metric), 0.02)
        n = np.bincount(band, minlength=BELIEF_BINS).astype(float)
        gap = np.bincount(band, observed - predicted, minlength=BELIEF_BINS)
        slope_sum = np.bincount(band, slope, minlength=BELIEF_BINS)
        seen = n > 0
        step = np.zeros(BELIEF_BINS)
        step[seen] = gap[seen] / slope_sum[seen]
        self.offset_counts += n
        self.offsets += np.where(seen, n / (n + LEARNING_PRIOR_COUNT), 0.0) * np.clip(step, -2, 2)

    # ------------------------------------------------------------------ money
    def pay_costs(self, caseload: int) -> None:
        """Pay staff, places and overheads while delivering; stop service if cash runs out."""
        model = self.model
        if not self.active or not model.contract.delivering(model.month):
            return
        due = self.month_cost(caseload)
        cash = model.ledger.balance("operator")
        paid = min(due, cash)
        model.ledger.pay(model.month, "operator", "economy", paid, "service_costs")
        if paid + 1e-6 < due:
            self.active = False
            model.contract.stop_service("operator_insolvent", model.month, model.population)

    def month_cost(self, caseload: int) -> float:
        """What a month of delivery costs with `caseload` clients: staff, overheads, places."""
        p = self.params
        return (
            self.caseworkers * p.staff_cost_per_worker_month
            + p.fixed_costs_month
            + caseload * p.cost_per_place_month
        )

    def monthly_cost(self) -> float:
        """Its budget for a month of delivery at full capacity (what it asks funders for)."""
        op = self.params
        return (
            self.caseworkers * op.staff_cost_per_worker_month
            + op.fixed_costs_month
            + self.capacity * op.cost_per_place_month
        )

    def cost_next_months(self, months: int) -> float:
        end = self.model.contract.delivery_end
        return self.monthly_cost() * max(0, min(months, end - self.model.month))

    def remaining_delivery_cost(self) -> float:
        return self.cost_next_months(self.model.contract.delivery_end - self.model.month)


def water_levels(amplitude: np.ndarray, rate: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """Log shadow price μ at which Σ h_i(μ) equals each budget (see `water_fill`).

    h_i(μ) = max(0, ln(A_i c_i) − ln μ) / c_i, so total hours are piecewise linear in ln μ with
    a kink where each client becomes worth serving: sort clients by ln(A_i c_i), find for each
    budget how many are served, and solve that linear piece exactly.
    """
    budgets = np.atleast_1d(np.asarray(budgets, dtype=float))
    top = amplitude * rate
    served = top > 0
    if not served.any():
        return np.full(budgets.shape, -np.inf)
    log_top = np.log(top[served])
    inv = 1.0 / rate[served]
    order = np.argsort(-log_top)
    lt, inv = log_top[order], inv[order]
    s1 = np.cumsum(lt * inv)
    s0 = np.cumsum(inv)
    # total hours when the level sits at client j's kink (clients before j are served)
    kinks = np.concatenate([[0.0], s1[:-1] - lt[1:] * s0[:-1]])
    active = np.clip(np.searchsorted(kinks, budgets, side="right"), 1, lt.size)
    return (s1[active - 1] - budgets) / s0[active - 1]


def water_fill(amplitude: np.ndarray, rate: np.ndarray, budget: float) -> tuple[np.ndarray, float]:
    """Maximise Σ A_i (1 - exp(-c_i h_i)) subject to Σ h_i = budget, h_i ≥ 0.

    At the optimum every served client's marginal value equals the shadow price μ:
    h_i = ln(A_i c_i / μ) / c_i where positive. Returns the hours and μ.
    """
    top = amplitude * rate
    if budget <= 0 or not (top > 0).any():
        return np.zeros_like(amplitude), float(top.max(initial=0.0))
    level = float(water_levels(amplitude, rate, np.array([budget]))[0])
    log_top = np.log(np.where(top > 0, top, 1e-300))
    return np.maximum(log_top - level, 0.0) / rate, math.exp(level)
