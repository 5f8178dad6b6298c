"""Validated scenario schema: every lever of a social impact contract as data.

Why pydantic with `extra="forbid"` and explicit bounds: a scenario file or a `--set` override
that is mistyped or out of range must be rejected before anything runs, with a message naming
the field and the allowed range (see `model.scenarios.format_validation_error`).
Units: money in the scenario's currency, time in months, rates as fractions of 1.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Money = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    """Base: unknown keys are errors, values are re-validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Selection(StrEnum):
    random_referral = "random_referral"
    public_referral = "public_referral"
    operator = "operator"


class Evaluation(StrEnum):
    rct = "rct"
    matched_comparison = "matched_comparison"
    historical_baseline = "historical_baseline"
    pre_post = "pre_post"


class Metric(StrEnum):
    binary = "binary"  # at least one adverse event in the window, per person
    frequency = "frequency"  # number of adverse events in the window


class ThresholdKind(StrEnum):
    relative = "relative"  # reduction relative to the counterfactual (Peterborough's 10%)
    absolute = "absolute"  # difference in rate, per person (Cravate Solidaire's +3 points)
    success_rate = "success_rate"  # share of counted people without the outcome (Gironde 56/68)


class TargetKind(StrEnum):
    """How a published target is expressed, for reporting "% of target"."""

    gain = "gain"  # measured gain per person against the counterfactual
    success_rate = "success_rate"  # share of counted people without the adverse outcome


class ReferralRule(StrEnum):
    waiting_list = "waiting_list"
    random = "random"
    need_first = "need_first"


class Counting(StrEnum):
    enrolled = "enrolled"  # whole cohort counted, dropouts included (Peterborough)
    completers = "completers"  # only those who finished the service spell


class Text(Strict):
    en: str = ""
    fr: str = ""


class PayerKind(StrEnum):
    """Who pays for outcomes: the label a workshop reads beside the payer's name."""

    state = "state"  # a national government as a whole (the default: "the State")
    ministry = "ministry"
    local_authority = "local_authority"  # a département, a city, a region
    public_agency = "public_agency"  # an employment agency, a prison service
    foundation = "foundation"  # a development funder paying for outcomes


class Payer(Strict):
    """The outcome payer as the case names it (Gironde département, a ministry, Actiris).

    Empty names keep the generic "State" / "the State". `name` labels the role; `in_sentence`
    is the same name as it reads inside a sentence, with its article ("the Ministry of
    Justice", "le Département de la Gironde")."""

    kind: PayerKind = PayerKind.state
    name: Text = Text()
    in_sentence: Text = Text()


class Meta(Strict):
    name: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    title: Text = Text()
    description: Text = Text()
    currency: str = "EUR"
    start_year: int = Field(2020, ge=1990, le=2100)
    payer: Payer = Payer()


class Population(Strict):
    """The eligible population and how its risk is distributed and observed."""

    size: int = Field(5000, ge=50, le=2_000_000)
    baseline_rate: float = Field(0.6, gt=0.0, lt=1.0)
    risk_concentration: float = Field(4.0, gt=0.1, le=1000.0)
    admin_noise: float = Field(1.0, ge=0.0, le=10.0)
    private_noise: float = Field(0.35, ge=0.0, le=10.0)
    hardness: float = Field(1.0, ge=0.0, le=5.0)
    refusal_rate: Fraction = 0.1
    dropout_rate: Fraction = 0.03
    network_degree: int = Field(4, ge=0, le=50)
    network_rewire: Fraction = 0.1
    spillover: float = Field(0.1, ge=0.0, le=2.0)


class Intervention(Strict):
    """What the programme does to a person's risk, per hour of service."""

    effect: float = Field(1.0, ge=0.0, le=5.0)
    max_logit_reduction: float = Field(0.6, ge=0.0, le=5.0)
    hours_scale: float = Field(20.0, gt=0.0, le=10_000.0)
    service_months: int = Field(6, ge=1, le=120)
    experience_gain: float = Field(0.2, ge=0.0, le=2.0)
    experience_scale: float = Field(2000.0, gt=0.0)
    wellbeing_speed: Fraction = 0.3
    relapse_rate: float = Field(0.0, ge=0.0, le=1.0)
    follow_up_months: int = Field(0, ge=0, le=120)
    follow_up_effect: Fraction = 0.0


class Operator(Strict):
    caseworkers: int = Field(6, ge=1, le=100_000)
    caseload_per_worker: int = Field(25, ge=1, le=1000)
    hours_per_worker: float = Field(100.0, gt=0.0, le=200.0)
    staff_cost_per_worker_month: Money = 4000.0
    cost_per_place_month: Money = 50.0
    fixed_costs_month: Money = 5000.0
    cash: Money = 50_000.0
    mission_weight: Fraction = 0.6
    value_per_avoided_event: Money = 5000.0
    value_of_wellbeing: Money = 60.0
    initial_insight: Fraction = 0.5
    believed_effect: float = Field(1.0, ge=0.0, le=5.0)
    intake_pool_factor: float = Field(3.0, ge=1.0, le=50.0)
    intake_per_month: int = Field(0, ge=0, le=1_000_000)


class Investor(Strict):
    capital: Money = 1_000_000.0
    required_return: float = Field(0.03, ge=-0.5, le=1.0)
    risk_appetite: Fraction = 0.5
    impact_weight: Fraction = 0.3
    tranche_months: int = Field(3, ge=1, le=60)
    pressure_sensitivity: float = Field(2.0, ge=0.0, le=20.0)
    prior_effect: float = Field(1.0, ge=0.0, le=5.0)
    prior_strength: float = Field(100.0, ge=0.0, le=100_000.0)
    guarantee_amount: Money = 0.0
    guarantee_share: Fraction = 1.0


class State(Strict):
    cost_per_event: Money = 20_000.0
    budget: Money = 5_000_000.0
    political_horizon_months: int = Field(60, ge=1, le=600)
    referral_rule: ReferralRule = ReferralRule.waiting_list


class Evaluator(Strict):
    comparison_matches: int = Field(5, ge=1, le=50)
    comparison_pool_factor: float = Field(5.0, ge=1.0, le=100.0)
    rct_control_share: float = Field(0.5, gt=0.0, lt=1.0)
    fee_per_measurement: Money = 20_000.0


class Context(Strict):
    """The world outside the contract: trends and shocks shift everyone's risk (logit scale)."""

    trend_per_year: float = Field(0.0, ge=-2.0, le=2.0)
    shock_month: int = Field(-1, ge=-1, le=1200)
    shock_size: float = Field(0.0, ge=-5.0, le=5.0)
    policy_change_month: int = Field(-1, ge=-1, le=1200)
    policy_change_why: Text = Text()  # what the change was, as the case reports it


class OutcomeMetric(Strict):
    """One paid outcome. Several share the price by weight (Educate Girls: enrolment 20%,
    learning 80%) or measure one outcome at several horizons (SIBs.CO: placement, retention).

    Unset fields inherit the contract's (evaluation, threshold) or the population's (baseline).
    Each person keeps their rank of risk on every metric: their latent risk is shifted so the
    metric's untreated rate is `baseline_rate`.
    """

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Metric = Metric.binary
    evaluation: Evaluation | None = None
    weight: float = Field(1.0, ge=0.0, le=10.0)
    horizon_months: int = Field(0, ge=0, le=120)
    baseline_rate: float | None = Field(None, gt=0.0, lt=1.0)
    effect_scale: float = Field(1.0, ge=0.0, le=25.0)
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    threshold_kind: ThresholdKind | None = None
    target: float | None = Field(None, ge=0.0)
    target_kind: TargetKind = TargetKind.gain


class GraphKind(StrEnum):
    regional = "regional"  # regions of closely linked territories, few links between regions
    small_world = "small_world"  # Watts–Strogatz ring of `degree` neighbours, lightly rewired
    random = "random"  # each pair linked with probability `link_within`
    complete = "complete"  # every territory sees every other


class Territories(Strict):
    """The territories (e.g. départements) a programme may spread to, each with its own State.

    Territory 0 is the contract's own territory; the others are drawn around it: their eligible
    flow, budget and how well the programme transfers to them vary (log-normal spreads).
    """

    count: int = Field(1, ge=1, le=1000)
    graph: GraphKind = GraphKind.regional
    regions: int = Field(1, ge=1, le=200)
    link_within: Fraction = 0.5
    link_between: Fraction = 0.02
    degree: int = Field(4, ge=0, le=100)
    size_spread: float = Field(0.5, ge=0.0, le=3.0)
    budget_per_year: Money = 500_000.0
    budget_spread: float = Field(0.5, ge=0.0, le=3.0)
    context_spread: float = Field(0.2, ge=0.0, le=3.0)


class After(Strict):
    """After the contract (MODEL.md §5): adoption, new funding, durable practices.

    `horizon_years = 0` means no post-contract phase: the run is exactly the contract.
    Credibility is the share of a measured effect a State believes, by evaluation method.
    """

    horizon_years: int = Field(0, ge=0, le=30)
    credibility_rct: Fraction = 1.0
    credibility_matched_comparison: Fraction = 0.6
    credibility_historical_baseline: Fraction = 0.4
    credibility_pre_post: Fraction = 0.2
    prudence: float = Field(0.5, ge=0.0, le=5.0)
    transfer: Fraction = 0.7
    adoption_threshold: float = Field(1.0, gt=0.0, le=20.0)
    exit_threshold: float = Field(0.5, ge=0.0, le=20.0)
    imitation: float = Field(1.0, ge=0.0, le=20.0)
    take_up: Fraction = 0.5
    adoption_lead_months: int = Field(12, ge=0, le=120)
    contract_lead_months: int = Field(24, ge=0, le=120)
    next_contract_years: int = Field(3, ge=1, le=15)
    practice_gain: Fraction = 0.5
    practice_decay: Fraction = 0.1
    practice_spillover: Fraction = 0.1
    practice_effect: Fraction = 0.5
    investor_pool: Money = 3_000_000.0
    philanthropy_pool: Money = 1_000_000.0
    growth_cost_per_place: Money = 500.0
    max_growth: float = Field(0.5, ge=0.0, le=10.0)
    safe_growth: float = Field(0.2, ge=0.0, le=10.0)
    quality_loss: float = Field(0.5, ge=0.0, le=10.0)
    quality_recovery: Fraction = 0.3
    inflated_ratio: Fraction = 0.5


class Programme(Strict):
    """A national programme: an event with its own window, budget and rules (like the French
    2016 call for projects), and an optional national reform that absorbs the programme."""

    start_month: int = Field(-1, ge=-1, le=1200)
    open_months: int = Field(12, ge=1, le=240)
    budget: Money = 0.0
    max_contracts: int = Field(10, ge=0, le=1000)
    outcome_share: Fraction = 0.5
    cost_share: Fraction = 0.5
    min_credibility: Fraction = 0.0
    reform_share: Fraction = 0.0


class Contract(Strict):
    metric: Metric = Metric.binary
    selection: Selection = Selection.operator
    evaluation: Evaluation = Evaluation.matched_comparison
    counting: Counting = Counting.enrolled
    threshold: float = Field(0.03, ge=0.0, le=1.0)
    threshold_kind: ThresholdKind = ThresholdKind.absolute
    overall_threshold: float = Field(0.0, ge=0.0, le=1.0)
    price_per_outcome: Money = 10_000.0
    price_tiers: list[Annotated[float, Field(ge=0.0, le=10.0)]] = Field(
        default_factory=list, max_length=10
    )
    max_payment: Money = 2_000_000.0
    return_cap: float = Field(0.08, ge=0.0, le=1.0)
    cap_at_savings: bool = False
    savings_share: Fraction = 1.0
    representative_cohort: bool = False
    representative_tolerance: float = Field(0.05, ge=0.0, le=1.0)
    audit_rate: Fraction = 0.25
    audit_penalty: Money = 300.0
    audit_detection: Fraction = 0.8
    audit_sample: int = Field(20, ge=1, le=10_000)
    quality_standard_hours: float = Field(1.0, ge=0.0, le=100.0)
    cohorts: int = Field(3, ge=1, le=20)
    cohort_months: int = Field(12, ge=1, le=120)
    measurement_months: int = Field(6, ge=1, le=60)
    payment_lag_months: int = Field(1, ge=0, le=24)
    intermediary_fee: Money = 50_000.0
    termination_check_months: int = Field(12, ge=1, le=120)
    metrics: list[OutcomeMetric] = Field(default_factory=list, max_length=8)


class Check(Strict):
    """A published figure the simulation should reproduce (see `cislab validate-cases`)."""

    observable: str = Field(min_length=1)
    published: float
    label: str = ""
    source: str = Field(min_length=1)
    calibrated: bool = False  # True when a parameter was set from this very figure
    tolerance: float = Field(0.0, ge=0.0)


class Scenario(Strict):
    meta: Meta
    population: Population = Population()
    intervention: Intervention = Intervention()
    operator: Operator = Operator()
    investor: Investor = Investor()
    state: State = State()
    evaluator: Evaluator = Evaluator()
    context: Context = Context()
    territories: Territories = Territories()
    after: After = After()
    programme: Programme = Programme()
    contract: Contract = Contract()
    sources: dict[str, str] = Field(default_factory=dict)
    validation: list[Check] = Field(default_factory=list)
    validation_note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        c = self.contract
        if c.price_tiers and len(c.price_tiers) < 2:
            raise ValueError("contract.price_tiers: give at least 2 risk bands, or none")
        names = [m.name for m in c.metrics]
        if len(set(names)) != len(names):
            raise ValueError("contract.metrics: metric names must be unique")
        longest = max((m.horizon_months for m in c.metrics), default=0)
        if longest > c.measurement_months:
            raise ValueError(
                f"contract.metrics: horizon {longest} months is after the measurement "
                f"({c.measurement_months} months after service); raise contract.measurement_months"
            )
        return self

    @property
    def outcome_metrics(self) -> list[OutcomeMetric]:
        """The paid metrics with every inherited field filled in; the first is primary."""
        c = self.contract
        declared = c.metrics or [OutcomeMetric(name="primary", kind=c.metric)]
        return [
            m.model_copy(
                update={
                    "evaluation": m.evaluation or c.evaluation,
                    "baseline_rate": m.baseline_rate or self.population.baseline_rate,
                    "threshold": c.threshold if m.threshold is None else m.threshold,
                    "threshold_kind": m.threshold_kind or c.threshold_kind,
                }
            )
            for m in declared
        ]

    @property
    def uses_rct(self) -> bool:
        """Randomise referrals when any metric is evaluated by RCT."""
        return any(m.evaluation == Evaluation.rct for m in self.outcome_metrics)

    @property
    def capacity(self) -> int:
        """Concurrent places the operator can serve."""
        return self.operator.caseworkers * self.operator.caseload_per_worker

    @property
    def intake_per_month(self) -> int:
        """Admissions per month: as set, or the steady flow (capacity over the service spell)."""
        if self.operator.intake_per_month > 0:
            return self.operator.intake_per_month
        return max(1, round(self.capacity / self.intervention.service_months))

    @property
    def contract_months(self) -> int:
        """Month of the last cohort's payment: enrolment + service + window + lag."""
        c = self.contract
        return (
            c.cohorts * c.cohort_months
            + self.intervention.service_months
            + c.measurement_months
            + c.payment_lag_months
        )

    @property
    def after_months(self) -> int:
        """Months of the post-contract horizon (0: the run ends with the contract)."""
        return 12 * self.after.horizon_years
