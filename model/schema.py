"""Validated scenario schema: every lever of a social impact contract as data.

Why pydantic with `extra="forbid"` and explicit bounds: a scenario file or a `--set` override
that is mistyped or out of range must be rejected before anything runs, with a message naming
the field and the allowed range (see `model.scenarios.format_validation_error`).
Units: money in the scenario's currency, time in months, rates as fractions of 1.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Money = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    """Base: unknown keys are errors, values are re-validated on assignment, and every number
    is finite: `inf` or `nan` would make outputs that are not JSON and runs that cannot be
    reproduced from `scenario.json` (where they were written as null)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


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


class ContractKind(StrEnum):
    outcome = "outcome"  # outcome-based: investors advance costs, the payer pays for results
    public = "public"  # ordinary policy ("droit commun"): the payer funds the service as it runs


class Counting(StrEnum):
    """Who a cohort's measured result counts. Public savings (a true quantity) count every
    avoided outcome of the people served under every rule."""

    enrolled = "enrolled"  # everyone who enrolled, drop-outs included
    completers = "completers"  # only those who finished the service spell
    # every eligible referral of the cohort, engaged or not (refusers and, with a referral
    # flow, referrals never offered a place): Peterborough's rule
    whole_cohort = "whole_cohort"


class PriceRule(StrEnum):
    """How the price of one person's outcome is set."""

    flat = "flat"  # one price for everyone
    tiers = "tiers"  # `price_tiers` multipliers by band of the administrative profile
    person = "person"  # each person by the payer's predicted difficulty (admin risk)


class FeePayer(StrEnum):
    """Who pays the intermediary's fee at signature."""

    investor = "investor"  # from the capital, part of what the return cap applies to
    state = "state"  # the outcome payer: part of the public cost


class ShortfallRemedy(StrEnum):
    """What a volume clause lets the parties do when referrals fall short."""

    none = "none"  # the breach is recorded, nothing else happens
    resize = "resize"  # the operator may shrink its team to the flow; the payer may end it
    terminate = "terminate"  # the payer may end the contract; no resizing


class Text(Strict):
    en: str = Field(
        "",
        description="English text.",
    )
    fr: str = Field(
        "",
        description="French text.",
    )


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

    kind: PayerKind = Field(
        PayerKind.state,
        description="What kind of body pays for outcomes (the label shown beside its name).",
    )
    name: Text = Field(
        Text(),
        description="The payer's name as a label, in English and French (empty: the State).",
    )
    in_sentence: Text = Field(
        Text(),
        description='The same name inside a sentence, with its article ("the Ministry of '
        'Justice", "le Département de la Gironde").',
    )


class Meta(Strict):
    """Who the scenario is: identifier, bilingual title and description, currency, calendar."""

    name: str = Field(
        min_length=1,
        max_length=64,  # it names the output folder
        pattern=r"^[a-z0-9_]+$",
        description=(
            "Identifier of the scenario: the `scenario` value in summary.json and the time series,"
            " and the default output folder (`runs/<name>-seed<N>/`)."
        ),
    )
    title: Text = Field(
        Text(),
        description=(
            "Display title, in English (`en`) and French (`fr`): CLI tables, figures, the game."
        ),
    )
    description: Text = Field(
        Text(),
        description=(
            "Longer description in English and French (the game's briefing; importers list data "
            "gaps here)."
        ),
    )
    currency: str = Field(
        "EUR",
        description=(
            "Currency code every money field of the scenario is in (EUR, GBP, USD…); shown by "
            "front ends, never converted by the model."
        ),
    )
    start_year: int = Field(
        2020,
        ge=1990,
        le=2100,
        description=(
            "Calendar year of month 0, for labels and figures; the model itself counts months."
        ),
        json_schema_extra={"unit": "calendar year"},
    )
    payer: Payer = Field(
        Payer(),
        description=(
            "Who pays for outcomes, as the game names them: kind and name in English and French "
            "(empty: the State)."
        ),
    )


class Population(Strict):
    """The eligible population and how its risk is distributed and observed."""

    size: int = Field(
        5000,
        ge=50,
        le=2_000_000,
        description=(
            "Eligible people, each a Beneficiary; intake draws from them over the whole contract."
        ),
        json_schema_extra={"unit": "people"},
    )
    baseline_rate: float = Field(
        0.6,
        gt=0.0,
        lt=1.0,
        description=(
            "Mean untreated probability of the adverse outcome within the measurement window; "
            "individual risks are Beta-distributed around it."
        ),
        json_schema_extra={"unit": "probability"},
    )
    risk_concentration: float = Field(
        4.0,
        gt=0.1,
        le=1000.0,
        description=(
            "Concentration (a + b) of the Beta distribution of individual risk: higher = people "
            "more alike, lower = risk more unequal."
        ),
    )
    admin_noise: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description=(
            "Noise of the administrative profile everyone sees (payer, referral service, "
            "evaluator's matching) around a person's true logit risk (standard deviation)."
        ),
        json_schema_extra={"unit": "logit"},
    )
    private_noise: float = Field(
        0.35,
        ge=0.0,
        le=10.0,
        description=(
            "Noise of the private signal only the operator's intake interview reveals (standard "
            "deviation around the true logit risk); below `admin_noise`, the operator can select "
            "on what a matched comparison cannot see."
        ),
        json_schema_extra={"unit": "logit"},
    )
    hardness: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description=(
            "How many more hours riskier people need: a person's hours scale is "
            "`intervention.hours_scale` × (risk ÷ mean risk)^hardness; 0 = everyone responds "
            "alike."
        ),
    )
    refusal_rate: Fraction = Field(
        0.1,
        description="Share of people offered a place who refuse it (a fixed draw per person).",
    )
    dropout_rate: Fraction = Field(
        0.03,
        description=(
            "Monthly probability that a client leaves service early, before being raised by low "
            "well-being and by getting fewer hours than the caseload's mean."
        ),
        json_schema_extra={"unit": "per month"},
    )
    network_degree: int = Field(
        4,
        ge=0,
        le=50,
        description=(
            "Ties per person in the small-world network of peers (ring lattice, randomly rewired);"
            " 0 = no network."
        ),
        json_schema_extra={"unit": "ties per person"},
    )
    network_rewire: Fraction = Field(
        0.1,
        description=(
            "Probability that a tie is rewired to a random person (the small world's shortcuts)."
        ),
    )
    spillover: float = Field(
        0.1,
        ge=0.0,
        le=2.0,
        description=(
            "Peer effect at measurement: a measured person's logit risk falls by spillover × the "
            "share of their peers ever enrolled, in their treated and untreated outcome alike (so "
            "not in the true effect) and in an RCT's control arm, but not in the external "
            "comparison pool nor in the pre-entry window — so it inflates matched-comparison, "
            "historical and pre-post measurements."
        ),
        json_schema_extra={"unit": "logit"},
    )


class Intervention(Strict):
    """What the programme does to a person's risk, per hour of service."""

    effect: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description=(
            "True effectiveness of the service: the fall in logit risk is effect × "
            "`max_logit_reduction` × (1 − exp(−hours × experience ÷ hours scale)). 0 = the "
            "programme does nothing (Rikers Island)."
        ),
        json_schema_extra={"unit": "multiplier"},
    )
    max_logit_reduction: float = Field(
        0.6,
        ge=0.0,
        le=5.0,
        description="Largest fall in logit risk a full dose of service brings (before `effect`).",
        json_schema_extra={"unit": "logit"},
    )
    hours_scale: float = Field(
        20.0,
        gt=0.0,
        le=10_000.0,
        description=(
            "Hours of service at which a person of average risk gets 63% (1 − 1/e) of the largest "
            "effect; riskier people need more (see `population.hardness`)."
        ),
        json_schema_extra={"unit": "hours"},
    )
    service_months: int = Field(
        6,
        ge=1,
        le=120,
        description="Length of a client's service spell.",
    )
    experience_gain: float = Field(
        0.2,
        ge=0.0,
        le=2.0,
        description=(
            "Largest gain from experience: an hour is worth 1 + experience_gain × (1 − "
            "exp(−client-months served ÷ `experience_scale`)) hours."
        ),
    )
    experience_scale: float = Field(
        2000.0,
        gt=0.0,
        description=(
            "Client-months of service over which the operator's experience builds up (see "
            "`experience_gain`)."
        ),
        json_schema_extra={"unit": "client-months"},
    )
    wellbeing_speed: Fraction = Field(
        0.3,
        description=(
            "Share of the gap between a client's well-being and its target (set mostly by quality "
            "hours) closed each month."
        ),
        json_schema_extra={"unit": "per month"},
    )
    relapse_rate: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Monthly hazard of falling back after a good exit, scaled by risk ÷ mean risk, for "
            "binary metrics observed `horizon_months` after exit; 0 = outcomes do not decay."
        ),
        json_schema_extra={"unit": "per month"},
    )
    follow_up_months: int = Field(
        0,
        ge=0,
        le=120,
        description=(
            "Months after exit during which the operator's follow-up lowers its clients' relapse "
            "hazard."
        ),
    )
    follow_up_effect: Fraction = Field(
        0.0,
        description=(
            "Share of the relapse hazard removed during follow-up (1 = no relapse while followed)."
        ),
    )
    follow_up_hours: float = Field(
        0.0,
        ge=0.0,
        le=100.0,
        description=(
            "Caseworker hours per former client and follow-up month that full follow-up takes; "
            "0 = follow-up costs no hours and is always full (as before). Above 0 the operator "
            "chooses how much follow-up to give each leaver (0–100%), weighing durable results "
            "against the metric hours they displace."
        ),
        json_schema_extra={"unit": "hours per client-month"},
    )
    practice_learning_rate: Fraction = Field(
        0.0,
        description=(
            "Learning to serve: each measured cohort closes this share of the gap between the "
            "operator's practice and `practice_gain_max`, per band of its belief about risk, "
            "weighted by the outcomes it observed in that band; 0 = no learning to serve."
        ),
        json_schema_extra={"unit": "per measured cohort"},
    )
    practice_gain_max: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description=(
            "Largest gain from learning to serve: an hour for a person of a fully learnt band is "
            "worth 1 + practice_gain_max hours (on top of `experience_gain`)."
        ),
        json_schema_extra={"unit": "multiplier"},
    )


class Operator(Strict):
    """The social operator: capacity, costs, cash, and the objective and beliefs it decides by."""

    caseworkers: int = Field(
        6,
        ge=1,
        le=100_000,
        description=(
            "Caseworkers employed: with `caseload_per_worker` they set the places (capacity), with"
            " `hours_per_worker` the hours a month."
        ),
        json_schema_extra={"unit": "people"},
    )
    caseload_per_worker: int = Field(
        25,
        ge=1,
        le=1000,
        description=(
            "Clients per caseworker at a time; capacity = caseworkers × caseload_per_worker."
        ),
        json_schema_extra={"unit": "clients"},
    )
    hours_per_worker: float = Field(
        100.0,
        gt=0.0,
        le=200.0,
        description=(
            "Service hours a caseworker gives a month, shared between metric hours and unmeasured "
            "quality hours."
        ),
        json_schema_extra={"unit": "hours per month"},
    )
    staff_cost_per_worker_month: Money = Field(
        4000.0,
        description=(
            "Monthly cost of one caseworker, paid from the operator's cash while it delivers."
        ),
        json_schema_extra={"unit": "currency per month"},
    )
    cost_per_place_month: Money = Field(
        50.0,
        description=(
            "Monthly cost per client in service (paid per client served; cost projections assume "
            "full capacity)."
        ),
        json_schema_extra={"unit": "currency per month"},
    )
    fixed_costs_month: Money = Field(
        5000.0,
        description="Monthly overheads, paid while the operator delivers.",
        json_schema_extra={"unit": "currency per month"},
    )
    cash: Money = Field(
        50_000.0,
        description=(
            "Operator's cash at month 0 (ledger opening balance); service stops when it cannot pay"
            " a month's costs."
        ),
    )
    mission_weight: Fraction = Field(
        0.6,
        description=(
            "Weight of mission (need-weighted avoided adverse events, clients' well-being) against"
            " money (expected outcome payments less expected audit fines) in the operator's "
            "objective; investor pressure lowers it to mission_weight × (1 − pressure)."
        ),
    )
    value_per_avoided_event: Money = Field(
        5000.0,
        description=(
            "Value the operator puts on one avoided adverse event: its exchange rate between "
            "mission and money (MODEL.md §3)."
        ),
    )
    value_of_wellbeing: Money = Field(
        60.0,
        description=(
            "Value of a client-month at full well-being, weighed when the operator chooses its "
            "quality hours."
        ),
        json_schema_extra={"unit": "currency per client-month"},
    )
    initial_insight: Fraction = Field(
        0.5,
        description=(
            "How much the operator trusts its intake interview relative to what it is worth (the "
            "private signal's precision is multiplied by this): 0 ≈ ignores it, 1 = uses it fully."
        ),
    )
    believed_effect: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description=(
            "What the operator believes `intervention.effect` is: sets the value it expects from "
            "an hour (its planning and selection), not what an hour does."
        ),
        json_schema_extra={"unit": "multiplier"},
    )
    intake_pool_factor: float = Field(
        3.0,
        ge=1.0,
        le=50.0,
        description=(
            "Where the operator selects: applicants it sees per free place (it ranks that many and"
            " offers places down its list)."
        ),
        json_schema_extra={"unit": "applicants per place"},
    )
    intake_per_month: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description=(
            "Admissions per month; 0 = the steady flow, capacity ÷ `intervention.service_months`."
        ),
        json_schema_extra={"unit": "people per month"},
    )


class Investor(Strict):
    """The investor: capital, required return, appetite for risk and impact, how it monitors."""

    capital: Money = Field(
        1_000_000.0,
        description=(
            "Capital committed: the most the investor advances (the intermediary fee at signature,"
            " then tranches); its ledger opening balance."
        ),
    )
    required_return: float = Field(
        0.03,
        ge=-0.5,
        le=1.0,
        description=(
            "Annual return the investor requires: it funds when expected repayments cover capital "
            "× (1 + required_return)^years × the demanded share (see `risk_appetite`)."
        ),
        json_schema_extra={"unit": "per year"},
    )
    risk_appetite: Fraction = Field(
        0.5,
        description=(
            "Lowers the share of what it puts in that the investor must expect back to fund or go "
            "on: demanded share = (1 − risk_appetite) × (1 − impact_weight)."
        ),
    )
    impact_weight: Fraction = Field(
        0.3,
        description=(
            "Weight on impact: lowers the demanded share like `risk_appetite` (a foundation stays "
            "where a bank leaves)."
        ),
    )
    tranche_months: int = Field(
        3,
        ge=1,
        le=60,
        description=(
            "Months between scheduled disbursements; the investor also disburses early when the "
            "operator's cash falls below a month of costs."
        ),
    )
    pressure_sensitivity: float = Field(
        2.0,
        ge=0.0,
        le=20.0,
        description=(
            "How hard the investor presses when its estimated effect is below break-even: wanted "
            "pressure = sensitivity × relative shortfall (clipped to 0–1), reached by halves month"
            " after month."
        ),
    )
    prior_effect: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description=(
            "The investor's prior on `intervention.effect`, from which it expects a measured gain "
            "per person before any data."
        ),
        json_schema_extra={"unit": "multiplier"},
    )
    prior_strength: float = Field(
        100.0,
        ge=0.0,
        le=100_000.0,
        description=(
            "Weight of the prior against interim positive exits: estimate = (strength × prior + "
            "exits × observed) ÷ (strength + exits), until the first measured result replaces it."
        ),
        json_schema_extra={"unit": "exits"},
    )
    guarantee_amount: Money = Field(
        0.0,
        description=(
            "Guarantor's fund (Rikers Island's guarantee): at the contract's end it pays "
            "`guarantee_share` of the investor's loss, up to this amount."
        ),
    )
    guarantee_share: Fraction = Field(
        1.0,
        description="Share of the investor's loss the guarantee covers.",
    )


class State(Strict):
    """The outcome payer: what an adverse event costs it, its budget, horizon and referral rule."""

    cost_per_event: Money = Field(
        20_000.0,
        description=(
            "Public cost of one adverse event, i.e. what an avoided event saves: public_savings = "
            "true avoided events × this (`cap_at_savings` uses measured ones); also the "
            "after-contract States' value of an avoided event."
        ),
        json_schema_extra={"unit": "currency per event"},
    )
    budget: Money = Field(
        5_000_000.0,
        description=(
            "Outcome payer's budget for the contract (ledger opening balance): evaluation fees and"
            " outcome payments never exceed it."
        ),
    )
    political_horizon_months: int = Field(
        60,
        ge=1,
        le=600,
        description=(
            "After the contract: savings arriving t months ahead weigh exp(−t ÷ horizon) in a "
            "State's adoption and contracting decisions."
        ),
    )
    referral_rule: ReferralRule = Field(
        ReferralRule.waiting_list,
        description=(
            "Order of the public referral service when `contract.selection = public_referral`: "
            "`waiting_list` (a fixed random queue), `random`, or `need_first` (highest "
            "administrative risk first). Ignored under the other selections (random referrals)."
        ),
    )


class Referrals(Strict):
    """The referring body's monthly flow of referrals, apart from the eligible population.

    `per_month = 0` keeps the finite pool admitted at the pace of free places (every free place
    finds a referral while the pool lasts). Above 0, referrals arrive month by month: the
    expected flow × a level drawn once per run (what nobody knew at signature) × a lasting
    shock from `shock_month`, with Poisson noise month to month. Intake then admits only from
    people referred and not yet seen; a volume clause (`contract.min_referral_share`) watches the
    flow. Newpin Queensland ended four years early on such a shortfall (CASES.md §7c)."""

    per_month: float = Field(
        0.0,
        ge=0.0,
        le=1_000_000.0,
        description=(
            "Expected referrals a month from the referring body; 0 = no flow: free places are "
            "filled from the eligible pool (the finite pool, as before)."
        ),
        json_schema_extra={"unit": "people per month"},
    )
    level_uncertainty: float = Field(
        0.0,
        ge=0.0,
        le=3.0,
        description=(
            "Standard deviation of the log of the flow's level, drawn once per run: the true "
            "flow is per_month × exp(N(0, σ²) − σ²/2) (mean per_month)."
        ),
        json_schema_extra={"unit": "log"},
    )
    shock_month: int = Field(
        -1,
        ge=-1,
        le=1200,
        description="Month from which the flow is multiplied by `shock_factor` (−1 = never).",
    )
    shock_factor: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description=(
            "Lasting multiplier of the flow from `shock_month` (0.3 = referrals fall to 30%: a "
            "referring service reorganised, a centre that never fills)."
        ),
        json_schema_extra={"unit": "multiplier"},
    )


class Evaluator(Strict):
    """The independent evaluator: comparison matching, RCT allocation, fees."""

    comparison_matches: int = Field(
        5,
        ge=1,
        le=50,
        description=(
            "Comparison people matched on the administrative score to each counted person "
            "(`matched_comparison`, `historical_baseline`); more matches, less noise."
        ),
        json_schema_extra={"unit": "people"},
    )
    comparison_pool_factor: float = Field(
        5.0,
        ge=1.0,
        le=100.0,
        description=(
            "Size of the external comparison pool relative to the people the contract plans to "
            "enrol (at least 200 people)."
        ),
        json_schema_extra={"unit": "multiplier"},
    )
    rct_control_share: float = Field(
        0.5,
        gt=0.0,
        lt=1.0,
        description=(
            "Share of referrals randomised to the control arm under an RCT: the State must refer 1"
            " ÷ (1 − share) times more people to fill the places — which is why an RCT changes "
            "enrolment."
        ),
    )
    fee_per_measurement: Money = Field(
        20_000.0,
        description="Paid by the State to the evaluator each time a cohort is measured.",
        json_schema_extra={"unit": "currency per measurement"},
    )


class Context(Strict):
    """The world outside the contract: trends and shocks shift everyone's risk (logit scale)."""

    trend_per_year: float = Field(
        0.0,
        ge=-2.0,
        le=2.0,
        description=(
            "Drift of everyone's logit risk per year: positive = the adverse outcome becomes "
            "likelier over time, negative = less likely. A historical baseline (taken the year "
            "before month 0) counts a negative trend as effect and a positive one as harm."
        ),
        json_schema_extra={"unit": "logit per year"},
    )
    shock_month: int = Field(
        -1,
        ge=-1,
        le=1200,
        description="Month a lasting shock starts (−1 = none).",
    )
    shock_size: float = Field(
        0.0,
        ge=-5.0,
        le=5.0,
        description=(
            "Shift of everyone's logit risk from `shock_month` on: positive = worse (a recession),"
            " negative = better."
        ),
        json_schema_extra={"unit": "logit"},
    )
    policy_change_month: int = Field(
        -1,
        ge=-1,
        le=1200,
        description=(
            "Month a policy change ends the contract early (no new enrolment; current clients "
            "finish, as Peterborough's cohort 3); −1 = never."
        ),
    )
    policy_change_why: Text = Field(
        Text(),
        description="What the policy change was, as the case reports it (shown when it ends the "
        "contract).",
    )


class OutcomeMetric(Strict):
    """One paid outcome. Several share the price by weight (Educate Girls: enrolment 20%,
    learning 80%) or measure one outcome at several horizons (SIBs.CO: placement, retention).

    Unset fields inherit the contract's (evaluation, threshold) or the population's (baseline).
    Each person keeps their rank of risk on every metric: their latent risk is shifted so the
    metric's untreated rate is `baseline_rate`.
    """

    name: str = Field(
        pattern=r"^[a-z0-9_]+$",
        description=(
            "Identifier; the summary reports `<name>_measured_effect`, `<name>_true_effect` and "
            "`<name>_success_rate`."
        ),
    )
    kind: Metric = Field(
        Metric.binary,
        description=(
            "`binary` (at least one adverse event in the window) or `frequency` (number of events)."
        ),
    )
    evaluation: Evaluation | None = Field(
        None,
        description="Counterfactual method of this metric; unset = `contract.evaluation`.",
    )
    weight: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description=(
            "Share of the price this metric pays: payment = price × weight × priced outcomes."
        ),
        json_schema_extra={"unit": "multiplier"},
    )
    horizon_months: int = Field(
        0,
        ge=0,
        le=120,
        description=(
            "Months after exit at which the metric is observed (relapse applies to binary "
            "metrics); at most `contract.measurement_months`."
        ),
    )
    baseline_rate: float | None = Field(
        None,
        gt=0.0,
        lt=1.0,
        description=(
            "Untreated rate of this metric; unset = `population.baseline_rate`. People keep their "
            "rank of risk."
        ),
        json_schema_extra={"unit": "probability"},
    )
    effect_scale: float = Field(
        1.0,
        ge=0.0,
        le=25.0,
        description="Multiplies the service's effect (fall in logit risk) on this metric.",
        json_schema_extra={"unit": "multiplier"},
    )
    threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="This metric's trigger; unset = `contract.threshold`.",
        json_schema_extra={"unit": "see threshold_kind"},
    )
    threshold_kind: ThresholdKind | None = Field(
        None,
        description="This metric's kind of trigger; unset = `contract.threshold_kind`.",
    )
    target: float | None = Field(
        None,
        ge=0.0,
        description=(
            'Published target, for the "% of target" observable of `cislab validate-cases`; never '
            "used for payment."
        ),
        json_schema_extra={"unit": "see target_kind"},
    )
    target_kind: TargetKind = Field(
        TargetKind.gain,
        description=(
            "How `target` is expressed: `gain` (measured gain per person) or `success_rate` (share"
            " without the adverse outcome)."
        ),
    )


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

    count: int = Field(
        1,
        ge=1,
        le=1000,
        description=(
            "Territories, each with its own State; territory 0 is the contract's own. 1 = no "
            "diffusion."
        ),
        json_schema_extra={"unit": "territories"},
    )
    graph: GraphKind = Field(
        GraphKind.regional,
        description=(
            "Shape of the territory graph: `regional` (dense within regions, sparse between), "
            "`small_world` (ring of `degree` neighbours, lightly rewired), `random` (each pair "
            "linked with probability `link_within`), `complete` (every territory sees every "
            "other)."
        ),
    )
    regions: int = Field(
        1,
        ge=1,
        le=200,
        description="Regions of the `regional` graph (territories split evenly).",
        json_schema_extra={"unit": "regions"},
    )
    link_within: Fraction = Field(
        0.5,
        description=(
            "`regional`: probability that two territories of one region are linked; `random`: that"
            " any two are."
        ),
    )
    link_between: Fraction = Field(
        0.02,
        description="`regional`: probability that two territories of different regions are linked.",
    )
    degree: int = Field(
        4,
        ge=0,
        le=100,
        description="`small_world`: neighbours per territory on the ring.",
        json_schema_extra={"unit": "territories"},
    )
    size_spread: float = Field(
        0.5,
        ge=0.0,
        le=3.0,
        description=(
            "Spread of other territories' eligible flow around the contract's territory (standard "
            "deviation of the log of a mean-1 factor)."
        ),
        json_schema_extra={"unit": "log"},
    )
    budget_per_year: Money = Field(
        500_000.0,
        description=(
            "Mean yearly budget a territory's State can commit to new programmes (adoption, "
            "contracts); each territory draws its own around it."
        ),
        json_schema_extra={"unit": "currency per year"},
    )
    budget_spread: float = Field(
        0.5,
        ge=0.0,
        le=3.0,
        description=(
            "Spread of territories' budgets beyond their size (standard deviation of the log of a "
            "mean-1 factor)."
        ),
        json_schema_extra={"unit": "log"},
    )
    context_spread: float = Field(
        0.2,
        ge=0.0,
        le=3.0,
        description=(
            "Spread of how well the programme works elsewhere: a mean-1 log-normal factor that "
            "multiplies its true effect in each territory, never seen by States."
        ),
        json_schema_extra={"unit": "log"},
    )


class After(Strict):
    """After the contract (MODEL.md §5): adoption, new funding, durable practices.

    `horizon_years = 0` means no post-contract phase: the run is exactly the contract.
    Credibility is the share of a measured effect a State believes, by evaluation method.
    """

    horizon_years: int = Field(
        0,
        ge=0,
        le=30,
        description=(
            "Years simulated after the contract's last payment; 0 = the run is the contract alone."
        ),
    )
    credibility_rct: Fraction = Field(
        1.0,
        description="Share of a measured effect a State believes when it comes from an RCT.",
    )
    credibility_matched_comparison: Fraction = Field(
        0.6,
        description=(
            "Share of a measured effect a State believes when it comes from a matched comparison."
        ),
    )
    credibility_historical_baseline: Fraction = Field(
        0.4,
        description=(
            "Share of a measured effect a State believes when it comes from a historical baseline."
        ),
    )
    credibility_pre_post: Fraction = Field(
        0.2,
        description=(
            "Share of a measured effect a State believes when it comes from a pre-post comparison."
        ),
    )
    prudence: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description=(
            "Standard errors a State takes off a measured effect before believing it: credibility "
            "× (measured − prudence × se)."
        ),
        json_schema_extra={"unit": "standard errors"},
    )
    transfer: Fraction = Field(
        0.7,
        description="Weight a State gives results from other territories relative to its own.",
    )
    adoption_threshold: float = Field(
        1.0,
        gt=0.0,
        le=20.0,
        description=(
            "A State adopts when believed savings within its political horizon ÷ cost per person "
            "served, raised by imitation, reach this (and its free budget pays one caseworker's "
            "yearly caseload); philanthropy funds growth on the same ratio."
        ),
        json_schema_extra={"unit": "ratio"},
    )
    exit_threshold: float = Field(
        0.5,
        ge=0.0,
        le=20.0,
        description=(
            "A State that adopted drops the programme when that ratio falls below this (failures "
            "stop)."
        ),
        json_schema_extra={"unit": "ratio"},
    )
    imitation: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description=(
            "Boost of the adoption ratio by neighbours that adopted: ratio × (1 + imitation × "
            "credibility-weighted share of neighbours funding it)."
        ),
    )
    take_up: Fraction = Field(
        0.5,
        description=(
            "Share of a territory's eligible flow its State wants served when it adopts or "
            "contracts."
        ),
    )
    adoption_lead_months: int = Field(
        12,
        ge=0,
        le=120,
        description=(
            "Budget-cycle lag between deciding to adopt and the first month of adopted service."
        ),
    )
    contract_lead_months: int = Field(
        24,
        ge=0,
        le=120,
        description=(
            "Months to structure a next outcome-based contract before its service starts (cut by "
            "durable practices)."
        ),
    )
    next_contract_years: int = Field(
        3,
        ge=1,
        le=15,
        description="Years of service of each next outcome-based contract.",
    )
    practice_gain: Fraction = Field(
        0.5,
        description=(
            "Each contract closes this share of the gap between its territory's durable practices "
            "(0–1) and 1."
        ),
    )
    practice_decay: Fraction = Field(
        0.1,
        description="Share of durable practices lost each year.",
        json_schema_extra={"unit": "per year"},
    )
    practice_spillover: Fraction = Field(
        0.1,
        description=(
            "Share of the gap to its neighbours' mean practices (when higher) a territory closes "
            "each year."
        ),
        json_schema_extra={"unit": "per year"},
    )
    practice_effect: Fraction = Field(
        0.5,
        description=(
            "At practices = 1, the share by which a next contract's transaction costs and "
            "structuring time are cut."
        ),
    )
    investor_pool: Money = Field(
        3_000_000.0,
        description=(
            "Capital impact investors can put into next contracts (ledger account "
            "`impact_investors`)."
        ),
    )
    philanthropy_pool: Money = Field(
        1_000_000.0,
        description=(
            "Grants philanthropy can give for the operator's growth (ledger account "
            "`philanthropy`)."
        ),
    )
    growth_cost_per_place: Money = Field(
        500.0,
        description="Cost of adding one place (one person a year) to the operator's capacity.",
        json_schema_extra={"unit": "currency per place"},
    )
    max_growth: float = Field(
        0.5,
        ge=0.0,
        le=10.0,
        description=(
            "Largest yearly growth of the operator's capacity, as a share of its current (at least"
            " its original) capacity."
        ),
        json_schema_extra={"unit": "per year"},
    )
    safe_growth: float = Field(
        0.2,
        ge=0.0,
        le=10.0,
        description="Yearly growth above which the service's fidelity (its true effect) suffers.",
        json_schema_extra={"unit": "per year"},
    )
    quality_loss: float = Field(
        0.5,
        ge=0.0,
        le=10.0,
        description=(
            "Fidelity lost per unit of growth above `safe_growth`: fidelity × (1 − quality_loss × "
            "excess)."
        ),
    )
    quality_recovery: Fraction = Field(
        0.3,
        description="Share of the fidelity gap to 1 recovered each year.",
        json_schema_extra={"unit": "per year"},
    )
    replicator_fidelity: Fraction = Field(
        0.7,
        description=(
            "Share of the first operator's effectiveness kept by an organisation that replicates "
            "the programme where the first operator cannot reach the places in time (it starts "
            "without the first operator's learning)."
        ),
    )
    inflated_ratio: Fraction = Field(
        0.5,
        description=(
            "A scale-up decision counts as taken on inflated evidence when the true effect where "
            "the programme scales is below this share of the positive measured effect the decision"
            " rested on."
        ),
    )


class Programme(Strict):
    """A national programme: an event with its own window, budget and rules (like the French
    2016 call for projects), and an optional national reform that absorbs the programme."""

    start_month: int = Field(
        -1,
        ge=-1,
        le=1200,
        description=(
            "Month the national call opens (−1 = no national programme); from then on every final "
            "result is known to every State."
        ),
    )
    open_months: int = Field(
        12,
        ge=1,
        le=240,
        description="Months the call stays open.",
    )
    budget: Money = Field(
        0.0,
        description="National programme's budget (ledger account `national_programme`).",
    )
    max_contracts: int = Field(
        10,
        ge=0,
        le=1000,
        description="Most laureates (contracts the programme co-funds).",
        json_schema_extra={"unit": "contracts"},
    )
    outcome_share: Fraction = Field(
        0.5,
        description="Share of a laureate's outcome payments the programme pays.",
    )
    cost_share: Fraction = Field(
        0.5,
        description=(
            "Share of a laureate's set-up costs (structuring and evaluation) the programme pays."
        ),
    )
    min_credibility: Fraction = Field(
        0.0,
        description=(
            "Lowest credibility of a laureate's evaluation method: applicants design their "
            "contract's evaluation to meet it."
        ),
    )
    reform_share: Fraction = Field(
        0.0,
        description=(
            "A national reform absorbs the programme once this share of territories has adopted it"
            " (0 = never)."
        ),
    )


class Contract(Strict):
    """The contract's terms: metric, selection, evaluation, triggers, prices, caps, audits,
    calendar."""

    kind: ContractKind = Field(
        ContractKind.outcome,
        description=(
            "`outcome`: a social impact contract (investors advance the costs, the payer pays for "
            "measured results). `public`: the programme funded from the payer's ordinary budget "
            "(fee for service, no investor, no outcome payment; results are still observed) — how "
            "a territory that adopts the programme runs it after a contract."
        ),
    )
    metric: Metric = Field(
        Metric.binary,
        description=(
            "Primary metric when `contract.metrics` is empty: `binary` (at least one adverse event"
            " in the window, per person) or `frequency` (number of events)."
        ),
    )
    selection: Selection = Field(
        Selection.operator,
        description=(
            "Who chooses participants: `operator` (ranks applicants by its own objective, creaming"
            " possible), `public_referral` (the State's referral service, by "
            "`state.referral_rule`) or `random_referral` (random referrals)."
        ),
    )
    evaluation: Evaluation = Field(
        Evaluation.matched_comparison,
        description=(
            "Counterfactual method for metrics that set none (MODEL.md §3): `rct` (randomised "
            "referrals, intent to treat), `matched_comparison` (external pool matched on the "
            "administrative score), `historical_baseline` (the same matching on the year before "
            "the programme), `pre_post` (the person's own situation before entry)."
        ),
    )
    counting: Counting = Field(
        Counting.enrolled,
        description=(
            "Who a cohort's result counts: `enrolled` (everyone who started, drop-outs included), "
            "`completers` (only those who finished their spell, so dropping hard cases flatters "
            "the result) or `whole_cohort` (every eligible referral of the cohort, engaged or not:"
            " refusers, and referrals never offered a place, count with no service — "
            "Peterborough's rule). Under an RCT the whole treatment arm is counted. Public "
            "savings count every avoided outcome of the people served under every rule."
        ),
    )
    threshold: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description=(
            "Trigger a cohort's measured result must reach to be paid, in the unit of "
            "`threshold_kind`: relative (0.1 = 10% fewer events than the counterfactual), absolute"
            " (events avoided per person counted: 0.03 = 3 points), success_rate (share of counted"
            " people without the outcome)."
        ),
        json_schema_extra={"unit": "see threshold_kind"},
    )
    threshold_kind: ThresholdKind = Field(
        ThresholdKind.absolute,
        description=(
            "How the trigger is read: `relative` (reduction relative to the counterfactual), "
            "`absolute` (difference per person) or `success_rate` (share of counted people without"
            " the adverse outcome)."
        ),
    )
    overall_threshold: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "A second trigger on all cohorts pooled (same kind): when it passes at the last "
            "measurement, cohorts that missed their own trigger are paid too (Peterborough's "
            "7.5%); 0 = none."
        ),
        json_schema_extra={"unit": "see threshold_kind"},
    )
    price_per_outcome: Money = Field(
        10_000.0,
        description=(
            "Paid per measured outcome: price × metric weight × Σ (counterfactual − outcome) over "
            "counted people (risk tiers applied), never negative, before the caps. Measured, not "
            "true, outcomes are paid."
        ),
        json_schema_extra={"unit": "currency per outcome"},
    )
    price_tiers: list[Annotated[float, Field(ge=0.0, le=10.0)]] = Field(
        default_factory=list,
        max_length=10,
        description=(
            "Price multipliers by risk band of the administrative profile: N values make N bands "
            "of equal population share, lowest risk first; e.g. [0.5, 1, 2] pays half for the "
            "least risky third and double for the riskiest. Empty = one price; a single value is "
            "refused."
        ),
        json_schema_extra={"unit": "multiplier"},
    )
    price_rule: PriceRule | None = Field(
        None,
        description=(
            "How one person's outcome is priced: `flat` (one price), `tiers` (`price_tiers` by "
            "band of the administrative profile) or `person` (each person by the payer's "
            "predicted difficulty, their administrative risk ÷ the eligible population's mean, so"
            " the average over the eligible is the stated price). Unset: `tiers` when `price_tiers`"
            " is given, else `flat`."
        ),
    )
    outcome_share: Fraction = Field(
        1.0,
        description=(
            "Share of the operator's pay at risk: outcome payments are price × this share (the "
            "maximum payment too), and the rest, (1 − share) × `max_payment`, is paid as a fee for"
            " service per client-month at the planned volume (capped at that total). 1 = fully "
            "outcome-based, 0 = fee for service."
        ),
    )
    max_payment: Money = Field(
        2_000_000.0,
        description="Cap on the State's total outcome payments over the contract.",
    )
    excess_operator_share: Fraction = Field(
        1.0,
        description=(
            "Payment waterfall: share of an outcome payment above what the investors are owed "
            "(their capital grown at `return_cap`) that the operator receives; 1 = the operator "
            "keeps all of it (as before)."
        ),
    )
    excess_intermediary_share: Fraction = Field(
        0.0,
        description=(
            "Payment waterfall: share of the excess above what the investors are owed paid to the"
            " intermediary (a performance fee). What neither share takes is not due: the payer "
            "does not pay it (Educate Girls: the maximum was capital + 15% IRR)."
        ),
    )
    intermediary_fee_payer: FeePayer = Field(
        FeePayer.investor,
        description=(
            "Who pays `intermediary_fee` at signature: `investor` (from its capital, within what "
            "the return cap applies to) or `state` (part of the public cost)."
        ),
    )
    min_referral_share: Fraction = Field(
        0.0,
        description=(
            "Volume clause: referrals in each review period must reach this share of the planned "
            "intake (`referrals.per_month` > 0); 0 = no clause. See `shortfall_remedy`."
        ),
    )
    volume_review_months: int = Field(
        6,
        ge=1,
        le=120,
        description="Months between checks of the volume clause while enrolment is open.",
    )
    shortfall_remedy: ShortfallRemedy = Field(
        ShortfallRemedy.resize,
        description=(
            "What a breached volume clause allows: `resize` (the operator may shrink its team to "
            "the flow, and the payer may end the contract), `terminate` (the payer may end it, no"
            " resizing) or `none` (recorded only). Who decides what: `agents/volume.py`."
        ),
    )
    return_cap: float = Field(
        0.08,
        ge=0.0,
        le=1.0,
        description=(
            "Cap on the investor's annual return: each unit advanced may grow at most at this rate"
            " until repaid; what an outcome payment brings above it stays with the operator."
        ),
        json_schema_extra={"unit": "per year"},
    )
    cap_at_savings: bool = Field(
        False,
        description=(
            "If true, outcome payments are also capped at `savings_share` × the public savings the"
            " evaluation *measured* (measured outcomes × `state.cost_per_event`) — measured, not "
            "true, savings, so a weak evaluation raises the cap. The summary reports both "
            "(`public_savings_measured`, `public_savings`) and the gap."
        ),
    )
    savings_share: Fraction = Field(
        1.0,
        description=(
            "Share of the measured savings the payments may reach when `cap_at_savings` is true."
        ),
    )
    representative_cohort: bool = Field(
        False,
        description=(
            "If true (where the operator selects), each cohort's mean administrative risk must "
            "stay within `representative_tolerance` of the eligible population's: the operator "
            "gives riskier applicants the smallest priority that keeps it there."
        ),
    )
    representative_tolerance: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description=(
            "How far below the eligible population's mean administrative risk a cohort's may fall "
            "under `representative_cohort`."
        ),
        json_schema_extra={"unit": "probability"},
    )
    audit_rate: Fraction = Field(
        0.25,
        description=(
            "Monthly probability of a quality audit, raised by complaints (× (1 + 5 × complaints "
            "per client that month)); 0 = never audited."
        ),
        json_schema_extra={"unit": "per month"},
    )
    audit_penalty: Money = Field(
        300.0,
        description=(
            "Fine per client in service for a full shortfall: fine = penalty × (1 − quality hours "
            "÷ standard) × clients."
        ),
        json_schema_extra={"unit": "currency per client"},
    )
    audit_detection: Fraction = Field(
        0.8,
        description="Probability that an audit detects a quality shortfall.",
    )
    audit_sample: int = Field(
        20,
        ge=1,
        le=10_000,
        description=(
            "Clients sampled per audit. Not read by the model today: a detected shortfall is fined"
            " on the whole caseload."
        ),
        json_schema_extra={"unit": "clients"},
    )
    quality_standard_hours: float = Field(
        1.0,
        ge=0.0,
        le=100.0,
        description=(
            "Unmeasured quality hours per client-month the contract requires: audits fine "
            "shortfalls and the gaming index compares quality hours with it. 0 = no standard (no "
            "audits, gaming index 0)."
        ),
        json_schema_extra={"unit": "hours per client-month"},
    )
    cohorts: int = Field(
        3,
        ge=1,
        le=20,
        description="Cohorts enrolled one after another; each is measured and paid on its own.",
        json_schema_extra={"unit": "cohorts"},
    )
    cohort_months: int = Field(
        12,
        ge=1,
        le=120,
        description="Enrolment months of each cohort.",
    )
    measurement_months: int = Field(
        6,
        ge=1,
        le=60,
        description=(
            "Months from the end of a cohort's last service spell to the measurement of its "
            "outcomes (the measurement window)."
        ),
    )
    payment_lag_months: int = Field(
        1,
        ge=0,
        le=24,
        description="Months between a measurement and its payment.",
    )
    intermediary_fee: Money = Field(
        50_000.0,
        description="Paid by the investor to the intermediary at signature, from its capital.",
    )
    termination_check_months: int = Field(
        12,
        ge=1,
        le=120,
        description=(
            "Months between the investor's checks of whether going on still pays (early "
            "termination)."
        ),
    )
    metrics: list[OutcomeMetric] = Field(
        default_factory=list,
        max_length=8,
        description=(
            "Paid outcome metrics (up to 8); empty = one metric named `primary` from `metric`, "
            "`evaluation`, `threshold`, `threshold_kind`. The first is primary: it sets the "
            "summary's true and measured effect, public savings, the savings cap and the "
            "evidence after the contract."
        ),
    )


class Evidence(StrEnum):
    """How much a published figure inside its simulated band says about the model.

    Only an out-of-sample figure tests the model: a calibrated one was reproduced on purpose (a
    parameter was set from it), and one that holds by construction is fixed by the contract's own
    terms (a return cap that binds) or by inputs taken from the same published facts.
    """

    out_of_sample = "out_of_sample"
    calibrated = "calibrated"
    by_construction = "by_construction"


class Check(Strict):
    """A published figure the simulation should reproduce (see `cislab validate-cases`)."""

    observable: str = Field(
        min_length=1,
        description=(
            "Model quantity to compare: `relative_change:1`, `success_rate:learning`, "
            "`target_ratio:…`, `retention:later/earlier`, `investor_net_loss` or any summary key "
            "(`model/observables.py`)."
        ),
    )
    published: float = Field(
        description="The published figure.",
        json_schema_extra={"unit": "observable's unit"},
    )
    label: str = Field(
        "",
        description="Short text for the validation report; empty = the observable's name.",
    )
    source: str = Field(
        min_length=1,
        description="Where the figure comes from (a section of `../shared/cases/CASES.md`).",
    )
    calibrated: bool = Field(
        False,
        description='Kept for older files: the same as `evidence = "calibrated"`.',
    )
    evidence: Evidence | None = Field(
        None,
        description=(
            "What the figure is evidence of: `out_of_sample` (nothing was set from it), "
            "`calibrated` (a parameter was set from it) or `by_construction` (the contract's "
            "terms or inputs from the same facts fix it). Default: `calibrated` if `calibrated`, "
            "else `out_of_sample`."
        ),
    )
    why: str = Field(
        "",
        description="For calibrated and by-construction figures: what makes the figure hold.",
    )
    tolerance: float = Field(
        0.0,
        ge=0.0,
        description=(
            "Widens the simulated 5–95% band by this much on each side when checking the published"
            " figure."
        ),
        json_schema_extra={"unit": "observable's unit"},
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Check:
        if self.evidence is None:
            kind = Evidence.calibrated if self.calibrated else Evidence.out_of_sample
            object.__setattr__(self, "evidence", kind)
        elif self.calibrated and self.evidence != Evidence.calibrated:
            raise ValueError(
                f"calibrated = true contradicts evidence = '{self.evidence}' "
                "(allowed: drop calibrated, or evidence = 'calibrated')"
            )
        if self.evidence == Evidence.by_construction and not self.why.strip():
            raise ValueError(
                "evidence = 'by_construction' needs `why`: the term or input that fixes the figure"
            )
        return self


class Scenario(Strict):
    meta: Meta
    population: Population = Population()
    intervention: Intervention = Intervention()
    operator: Operator = Operator()
    investor: Investor = Investor()
    state: State = State()
    evaluator: Evaluator = Evaluator()
    referrals: Referrals = Referrals()
    context: Context = Context()
    territories: Territories = Territories()
    after: After = After()
    programme: Programme = Programme()
    contract: Contract = Contract()
    sources: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Where each number comes from: dotted path → citation, or `assumption: …` with a "
            "reason (a test checks shipped scenarios)."
        ),
    )
    validation: list[Check] = Field(
        default_factory=list,
        description="Published figures the simulation should reproduce (`[[validation]]` tables).",
    )
    validation_note: str = Field(
        "",
        description=(
            "Free text for the validation report (e.g. why a case has no published result)."
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        c = self.contract
        if c.price_rule == PriceRule.tiers and not c.price_tiers:
            raise ValueError(
                "contract.price_rule = 'tiers' needs contract.price_tiers (at least 2 bands)"
            )
        if c.price_rule in (PriceRule.flat, PriceRule.person) and c.price_tiers:
            raise ValueError(
                f"contract.price_rule = '{c.price_rule}' contradicts contract.price_tiers = "
                f"{c.price_tiers[:3]} (allowed: price_rule = 'tiers', or no price_tiers)"
            )
        if c.excess_operator_share + c.excess_intermediary_share > 1.0 + 1e-9:
            raise ValueError(
                "contract.excess_operator_share + contract.excess_intermediary_share = "
                f"{c.excess_operator_share + c.excess_intermediary_share:g}: at most 1"
            )
        if c.price_tiers and len(c.price_tiers) < 2:
            raise ValueError(
                f"contract.price_tiers = {c.price_tiers[:3]}: give at least 2 risk bands, or none"
            )
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

    # The last `outcome_metrics` built, with the fields they were built from: the model asks
    # for them hundreds of times a run, and building them copies pydantic models.
    _outcome_metrics: tuple[tuple, list[OutcomeMetric]] | None = PrivateAttr(default=None)

    @property
    def outcome_metrics(self) -> list[OutcomeMetric]:
        """The paid metrics with every inherited field filled in; the first is primary.

        Built again whenever a field they inherit from has changed (the game changes terms
        mid-run); the metric objects are shared between calls, so read them, never assign."""
        c = self.contract
        key = (
            c.metric,
            c.evaluation,
            c.threshold,
            c.threshold_kind,
            self.population.baseline_rate,
            [tuple(m.__dict__.items()) for m in c.metrics],
        )
        cached = self._outcome_metrics
        if cached is None or cached[0] != key:
            self._outcome_metrics = cached = (key, self._build_outcome_metrics())
        return list(cached[1])

    def _build_outcome_metrics(self) -> list[OutcomeMetric]:
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
    def outcome_price(self) -> float:
        """Price of one outcome paid on results: the share of pay at risk of the price."""
        return self.contract.price_per_outcome * self.contract.outcome_share

    @property
    def investor_commitment(self) -> float:
        """Capital the investor must advance: its commitment less the fee for service, which
        pays that part of the costs (all of it when the contract is fully outcome-based)."""
        fees = (1.0 - self.contract.outcome_share) * self.contract.max_payment
        return max(self.investor.capital - fees, 0.0)

    @property
    def outcome_max_payment(self) -> float:
        """Cap on outcome payments: the share at risk of the maximum payment."""
        return self.contract.max_payment * self.contract.outcome_share

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
