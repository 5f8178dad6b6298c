"""One INDIGO impact-bond record -> a runnable CIS Lab scenario (data, then TOML text).

Why an importer: GO Lab's INDIGO dataset describes 320 real impact bonds; a scenario built from
one of them lets a user start from a real contract instead of a blank page. INDIGO records are
sparse and sometimes malformed, and the model needs every lever, so each value of the scenario is
either read from a named INDIGO field or filled with a stated default, and its `[sources]` entry
says which ("INDIGO INDIGO-POJ-0153 field '…'" or "assumption: …, because the record lacks …").
What the record lacks or gets wrong is listed as a gap in the description, never a crash.

The data come only from the derived file shipped in the repository
(`data/indigo_projects.json.gz`, built by `scripts/build_indigo.py`). Nothing here imports
mesa, pandas or numpy: the CLI lists and imports at once.

How a record becomes a contract the model can run (each step is cited in the scenario):
- one outcome per person: the model pays for one adverse-or-not outcome per counted person, so
  INDIGO's several metrics become one composite outcome whose price keeps payments at full
  expected success in the range of the maximum payment;
- delivery costs are sized so that the capital (less fees) pays for delivery over the service
  period — the investor finances the operator;
- capacity is sized so that the cohorts serve the record's number of users; very large
  programmes are simulated at a stated scale with money scaled alike.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cislab.model.user_input import shorten as show_value

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "indigo_projects.json.gz"

ELIGIBLE_PER_USER = 3  # eligible people per user served: room for selection and for RCT controls
MAX_ELIGIBLE = 150_000  # larger programmes are simulated at scale (about a second per run)
HOURS_PER_WORKER = 100.0  # the schema's default client-facing hours per caseworker-month
QUALITY_STANDARD_HOURS = 1.0
MAX_LOGIT_REDUCTION = 0.6
HOURS_SCALE = 20.0
FEE_SHARE = 0.03  # intermediary fee, share of capital
CASH_SHARE = 0.05  # operator's own reserve, share of capital
EVALUATION_SHARE = 0.02  # evaluation or verification fees, share of the maximum payment
COST_SPLIT = {"staff": 0.75, "places": 0.10, "fixed": 0.15}
DEFAULT_RETURN_CAP = 0.08
COVID_MONTH = (2020, 3)
COVID_SHOCK = 0.2


class IndigoError(ValueError):
    """Bad importer input (unknown id, unreadable data file); one line fit for a user."""


# ---------------------------------------------------------------------------------- vocabulary
CURRENCY_ALIASES = {
    "RUSSIAN RUBLE": "RUB",
    "RUSSIAN RUBLES": "RUB",
    "JAPANESE YEN": "JPY",
    "ISRAELI NEW SHEKELS": "ILS",
    "SOUTH AFRICAN RAND": "ZAR",
    "SOUTH KOREAN WON": "KRW",
    "NZ DOLLAR": "NZD",
    "SWEDISH": "SEK",
    "SWEDISH KRONA": "SEK",
    "SWISS FRANCS": "CHF",
    "US$": "USD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "C$": "CAD",
}

# ISO 3166 code -> (English name, French name, national currency), for the countries INDIGO uses.
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "AE": ("United Arab Emirates", "Émirats arabes unis", "AED"),
    "AR": ("Argentina", "Argentine", "ARS"),
    "AT": ("Austria", "Autriche", "EUR"),
    "AU": ("Australia", "Australie", "AUD"),
    "BE": ("Belgium", "Belgique", "EUR"),
    "CA": ("Canada", "Canada", "CAD"),
    "CD": ("DR Congo", "RD Congo", "CDF"),
    "CH": ("Switzerland", "Suisse", "CHF"),
    "CL": ("Chile", "Chili", "CLP"),
    "CM": ("Cameroon", "Cameroun", "XAF"),
    "CO": ("Colombia", "Colombie", "COP"),
    "DE": ("Germany", "Allemagne", "EUR"),
    "DK": ("Denmark", "Danemark", "DKK"),
    "ES": ("Spain", "Espagne", "EUR"),
    "ET": ("Ethiopia", "Éthiopie", "ETB"),
    "FI": ("Finland", "Finlande", "EUR"),
    "FR": ("France", "France", "EUR"),
    "GB": ("United Kingdom", "Royaume-Uni", "GBP"),
    "HK": ("Hong Kong", "Hong Kong", "HKD"),
    "IL": ("Israel", "Israël", "ILS"),
    "IN": ("India", "Inde", "INR"),
    "JO": ("Jordan", "Jordanie", "JOD"),
    "JP": ("Japan", "Japon", "JPY"),
    "KE": ("Kenya", "Kenya", "KES"),
    "KH": ("Cambodia", "Cambodge", "KHR"),
    "KR": ("South Korea", "Corée du Sud", "KRW"),
    "ML": ("Mali", "Mali", "XOF"),
    "MX": ("Mexico", "Mexique", "MXN"),
    "NG": ("Nigeria", "Nigeria", "NGN"),
    "NL": ("Netherlands", "Pays-Bas", "EUR"),
    "NZ": ("New Zealand", "Nouvelle-Zélande", "NZD"),
    "PE": ("Peru", "Pérou", "PEN"),
    "PS": ("Palestine", "Palestine", "ILS"),
    "PT": ("Portugal", "Portugal", "EUR"),
    "RU": ("Russia", "Russie", "RUB"),
    "SE": ("Sweden", "Suède", "SEK"),
    "SL": ("Sierra Leone", "Sierra Leone", "SLE"),
    "TR": ("Turkey", "Turquie", "TRY"),
    "UG": ("Uganda", "Ouganda", "UGX"),
    "US": ("United States", "États-Unis", "USD"),
    "UY": ("Uruguay", "Uruguay", "UYU"),
    "ZA": ("South Africa", "Afrique du Sud", "ZAR"),
}


@dataclass(frozen=True)
class SectorProfile:
    """What CIS Lab assumes about a policy sector when a record says nothing more."""

    key: str
    en: str
    fr: str
    adverse_en: str  # the adverse outcome the model counts (its binary metric)
    adverse_fr: str
    baseline_rate: float
    baseline_why: str
    service_months: int
    service_why: str
    caseload: int
    caseload_why: str
    measurement_months: int
    measurement_why: str
    selection: str
    selection_why: str


SECTORS: dict[str, SectorProfile] = {
    p.key: p
    for p in (
        SectorProfile(
            "employment",
            "Employment and training",
            "Emploi et formation",
            "not in work or training at the end of the window",
            "sans emploi ni formation à la fin de la fenêtre",
            0.6,
            "about 60% of the target group not in work or training without support, as in the "
            "default scenario (Wimoov reports 42% positive exits with support, CASES.md §3)",
            6,
            "6-month support spell, as Duo for a Job's mentoring (CASES.md §4, Sector)",
            30,
            "30 clients per adviser, as the default scenario (La Cravate Solidaire, CASES.md §9)",
            6,
            "employment read 6 months after support, like Empleando Futuro's 6-month retention "
            "bonus (CASES.md §5, Metrics / formula)",
            "operator",
            "employment providers recruit their own participants",
        ),
        SectorProfile(
            "health",
            "Health",
            "Santé",
            "the health outcome not reached (e.g. an avoidable admission)",
            "résultat de santé non atteint (p. ex. hospitalisation évitable)",
            0.5,
            "half of the target group would not reach the health outcome without support",
            6,
            "6-month care or support pathway",
            40,
            "40 patients per health worker",
            6,
            "outcome read 6 months after support",
            "public_referral",
            "health services refer eligible patients",
        ),
        SectorProfile(
            "education",
            "Education",
            "Éducation",
            "not enrolled or below the learning level at the end of the window",
            "non scolarisé ou sous le niveau attendu à la fin de la fenêtre",
            0.5,
            "half of the target children would not reach the outcome without the programme",
            12,
            "one school year of support",
            40,
            "40 pupils per teacher or community worker",
            6,
            "outcome tested 6 months after the school year",
            "operator",
            "the operator reaches out to families and schools itself (Educate Girls, CASES.md §2)",
        ),
        SectorProfile(
            "child_family",
            "Child and family welfare",
            "Protection de l'enfance et famille",
            "child placed in care within the window",
            "enfant placé pendant la fenêtre",
            0.3,
            "about 3 in 10 referred families would see a placement without support; the Gironde "
            "CIS counted success at ≥56 of 68 families without placement (CASES.md §6, Trigger)",
            9,
            "3–12 months of intensive family support (CASES.md §6, Intervention)",
            10,
            "intensive family work: about 10 families per worker (CASES.md §6: 4.8 FTE)",
            12,
            "placement checked a year after support",
            "public_referral",
            "families are referred by the child-protection service (CASES.md §6, Population)",
        ),
        SectorProfile(
            "homelessness",
            "Homelessness",
            "Sans-abrisme",
            "not in stable accommodation at the end of the window",
            "sans logement stable à la fin de la fenêtre",
            0.7,
            "most of the target group would not sustain a tenancy without support",
            12,
            "about a year of housing-led support",
            15,
            "15 clients per key worker (intensive support)",
            6,
            "tenancy sustained 6 months after support",
            "public_referral",
            "local authorities and outreach teams refer eligible people",
        ),
        SectorProfile(
            "criminal_justice",
            "Criminal justice",
            "Justice pénale",
            "reconvicted within the window",
            "condamné de nouveau pendant la fenêtre",
            0.6,
            "most short-sentence leavers are reconvicted within a year or so (Peterborough's "
            "comparison group: 155 reconviction events per 100, CASES.md §1, Result cohort 1)",
            12,
            "support up to 12 months after release (CASES.md §1, Dates)",
            36,
            "36 clients per caseworker, as in the peterborough scenario",
            18,
            "12 months after release plus 6 months for court lag (CASES.md §1, Method)",
            "public_referral",
            "the justice system defines the cohort (CASES.md §1, Method)",
        ),
        SectorProfile(
            "agriculture",
            "Agriculture and environment",
            "Agriculture et environnement",
            "target practice or yield not reached",
            "pratique ou rendement visé non atteint",
            0.5,
            "half of the targeted households or sites would not reach the target unaided",
            12,
            "one growing season or year of support",
            50,
            "50 households or sites per field worker",
            6,
            "outcome checked 6 months after support",
            "operator",
            "the operator recruits participating households or sites",
        ),
        SectorProfile(
            "poverty",
            "Poverty reduction",
            "Lutte contre la pauvreté",
            "still below the poverty target at the end of the window",
            "toujours sous le seuil visé à la fin de la fenêtre",
            0.6,
            "most targeted households would stay below the target without support",
            12,
            "about a year of support",
            40,
            "40 households per field worker",
            6,
            "outcome checked 6 months after support",
            "operator",
            "the operator recruits participating households",
        ),
        SectorProfile(
            "unknown",
            "Unknown sector",
            "Secteur inconnu",
            "the adverse outcome at the end of the window",
            "le résultat défavorable à la fin de la fenêtre",
            0.6,
            "the default scenario's 60%",
            6,
            "the default scenario's 6-month spell",
            25,
            "25 clients per caseworker",
            6,
            "outcome read 6 months after support",
            "operator",
            "the default scenario's operator selection",
        ),
    )
}

SECTOR_PATTERNS = [
    ("employment", r"employ|training|work"),
    ("child_family", r"child|famil"),
    ("homelessness", r"homeless|housing"),
    ("criminal_justice", r"crim|justice|offend"),
    ("health", r"health"),
    ("education", r"educ|school"),
    ("agriculture", r"agri|environment"),
    ("poverty", r"poverty"),
]

EVALUATION_RANK = {"pre_post": 0, "historical_baseline": 1, "matched_comparison": 2, "rct": 3}
EVALUATION_EN = {
    "pre_post": "outcomes verified as achieved (pre/post, no comparison group)",
    "historical_baseline": "comparison with a historical baseline",
    "matched_comparison": "matched comparison group",
    "rct": "randomised controlled trial",
}
EVALUATION_FR = {
    "pre_post": "résultats vérifiés tels qu'atteints (avant/après, sans groupe de comparaison)",
    "historical_baseline": "comparaison à une référence historique",
    "matched_comparison": "groupe de comparaison apparié",
    "rct": "essai randomisé contrôlé",
}
# Explicit INDIGO validation methods, then free text (definitions, notes): first match wins.
METHOD_PATTERNS = [
    ("rct", r"randomi[sz]|\brct\b"),
    (
        "matched_comparison",
        r"quasi|matched|matching|propensity|comparison group|control group|"
        r"difference[- ]in[- ]difference",
    ),
    ("historical_baseline", r"historic"),
    ("pre_post", r"pre[- ]?post|ex[- ]post|verification|verified|validat|before and after"),
]
FREQUENCY_PATTERN = (
    r"\bfrequency\b|number of (?:re)?conviction|reconviction events|"
    r"number of (?:offen[cs]es|admissions|incidents|episodes|events|arrests|bed nights)"
)
REDUCTION_PATTERN = r"(\d+(?:\.\d+)?)\s*%\s*(?:reduction|decrease|fall|drop|fewer)"
OVERALL_PATTERN = r"across all|overall|all (?:three |3 )?cohorts"

LABELS = {
    "title": ("title", "titre"),
    "sector": ("policy sector", "secteur"),
    "country": ("country", "pays"),
    "start": ("service start date", "date de début du service"),
    "duration": ("service duration", "durée du service"),
    "users": ("number of service users", "nombre de bénéficiaires"),
    "capital": ("investment amount", "montant investi"),
    "max_payment": ("maximum outcome payment", "paiement maximal des résultats"),
    "currency": ("currency", "devise"),
    "prices": ("outcome prices", "prix des résultats"),
    "metrics": ("outcome metrics", "indicateurs de résultat"),
    "method": ("evaluation method", "méthode d'évaluation"),
    "return": ("maximum return", "rendement maximal"),
    "record": ("record structure", "structure de la fiche"),
}


# ---------------------------------------------------------------------------------- parsing
def normalize_currency(raw: Any) -> str | None:
    """An ISO 4217 code from INDIGO's mixed spellings ('GBP', 'Russian Ruble', 'NZ dollar')."""
    if not isinstance(raw, str):
        return None
    text = re.sub(r"\s+", " ", raw).strip().upper()
    if text in CURRENCY_ALIASES:
        return CURRENCY_ALIASES[text]
    return text if re.fullmatch(r"[A-Z]{3}", text) else None


def parse_number(raw: Any) -> float:
    """A finite, non-negative number from INDIGO text ('1000', '2,250,000', '0.15').

    Raises ValueError for anything else (words, symbols, negative or non-finite values)."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        if not re.fullmatch(r"\d+(\.\d+)?([eE][+-]?\d+)?", text):
            raise ValueError(raw)
        value = float(text)
    else:
        raise ValueError(raw)
    if not math.isfinite(value) or value < 0:
        raise ValueError(raw)
    return value


def parse_month(raw: Any, end: bool = False) -> tuple[int, int, bool]:
    """(year, month, month_given) from 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.

    A year alone is read as January (or December for an end date). Raises ValueError."""
    if not isinstance(raw, str):
        raise ValueError(raw)
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw.strip())
    if not match:
        raise ValueError(raw)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(raw)
    return year, month, match.group(2) is not None


def parse_rate(raw: Any) -> float:
    """An annual rate as a fraction: '0.15', '15%', '3% to 5%' (the top), '3.5' (read as %).

    Raises ValueError when no rate in (0, 1] can be read."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        values = [float(raw)]
        percents = False
    elif isinstance(raw, str):
        percents = "%" in raw
        found = re.findall(r"\d+(?:\.\d+)?(?=\s*%)" if percents else r"\d+(?:\.\d+)?", raw)
        values = [float(v) for v in found]
    else:
        raise ValueError(raw)
    if not values:
        raise ValueError(raw)
    top = max(values)
    rate = top / 100 if percents or top > 1 else top
    if not 0 < rate <= 1:
        raise ValueError(raw)
    return rate


def month_index(start: tuple[int, int], when: tuple[int, int]) -> int:
    return (when[0] - start[0]) * 12 + (when[1] - start[1])


def money_text(amount: float, currency: str, lang: str = "en") -> str:
    """'GBP 5,000,000' in English, '5 000 000 GBP' in French; cents only below 100."""
    text = f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",") + f" {currency}"
    return f"{currency} {text}"


def shorten(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


# ---------------------------------------------------------------------------------- dataset
@dataclass
class Dataset:
    """The shipped INDIGO slice: metadata (attribution, rates, medians) and project records."""

    metadata: dict[str, Any]
    projects: list[dict[str, Any]]

    @property
    def by_id(self) -> dict[str, dict[str, Any]]:
        return {str(p.get("id", "")).upper(): p for p in self.projects if isinstance(p, dict)}

    def get(self, project_id: str) -> dict[str, Any]:
        """The record for an id ('INDIGO-POJ-0153', 'POJ-0153', '153'); IndigoError if none."""
        pid = normalize_id(project_id)
        record = self.by_id.get(pid or "")
        if record is None:
            raise IndigoError(
                f"unknown INDIGO project {show_value(project_id)}: {len(self.projects)} projects "
                "are shipped (INDIGO-POJ-0001 …); search with: cislab import-indigo --list TEXT"
            )
        return record

    def search(self, text: str = "") -> list[dict[str, Any]]:
        """Projects whose id, title, countries, sector, stage or organisations hold every word."""
        words = [w for w in re.split(r"\s+", text.lower().strip()) if w]
        return [p for p in self.projects if all(w in search_text(p) for w in words)]


def normalize_id(text: str) -> str | None:
    match = re.fullmatch(r"\s*(?:indigo-)?(?:poj-?)?0*(\d{1,4})\s*", str(text), re.IGNORECASE)
    return f"INDIGO-POJ-{int(match.group(1)):04d}" if match else None


def _strings(value: Any) -> list[str]:
    """Every string inside a value (strings, lists, dicts), for search and tolerant reading."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def search_text(record: Mapping[str, Any]) -> str:
    parts = [
        *_strings(record.get("id")),
        *_strings(record.get("name")),
        *_strings(record.get("alternative_names")),
        *_strings(record.get("sector")),
        *_strings(record.get("stage")),
        *_strings(record.get("countries")),
        *_strings(record.get("locations")),
        *_strings(record.get("jurisdiction")),
        *_strings(record.get("organisations")),
    ]
    for code in country_codes(record):
        parts.extend(COUNTRIES.get(code, ()))
    return " ".join(parts).lower()


def country_codes(record: Mapping[str, Any]) -> list[str]:
    """Delivery countries (ISO 3166 alpha-2), else the jurisdiction."""
    codes = []
    for raw in [*_strings(record.get("countries")), *_strings(record.get("jurisdiction"))]:
        code = raw.strip().upper()
        if re.fullmatch(r"[A-Z]{2}", code) and code not in codes:
            codes.append(code)
    return codes


def load_dataset(path: Path | None = None) -> Dataset:
    """The shipped derived file (gzip JSON), read once; IndigoError if missing or unreadable."""
    return _load_dataset(path or DATA_FILE)


@cache
def _load_dataset(path: Path) -> Dataset:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise IndigoError(f"cannot read the INDIGO data file {path}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("projects"), list):
        raise IndigoError(f"{path}: not an INDIGO derived file (no 'projects' list)")
    return Dataset(metadata=dict(raw.get("metadata") or {}), projects=raw["projects"])


# ---------------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Gap:
    """Something the record lacks or gets wrong, in both languages of the scenario."""

    en: str
    fr: str


@dataclass
class Money:
    amount: float
    currency: str | None
    usd: float | None
    source: str  # "field 'label' = raw"


@dataclass
class Reader:
    """Tolerant access to one record: every read either succeeds or notes a gap."""

    record: Mapping[str, Any]
    pid: str
    gaps: list[Gap] = field(default_factory=list)

    def raw(self, key: str) -> Any:
        value = self.record.get(key)
        return None if value is None or value == "" or value == [] else value

    def text(self, key: str) -> str:
        value = self.raw(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return ""

    def missing(self, what: str) -> None:
        en, fr = LABELS[what]
        self.gaps.append(Gap(f"no {en}", f"{fr} : absent"))

    def bad(self, what: str, raw: Any, why: str = "unreadable", why_fr: str = "illisible") -> None:
        en, fr = LABELS[what]
        shown = shorten(str(raw), 40)
        self.gaps.append(Gap(f"{en} ('{shown}') {why}", f"{fr} (« {shown} ») {why_fr}"))

    def number(self, key: str, what: str) -> float | None:
        """A number field: None when absent; None and a gap when malformed."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return parse_number(value)
        except ValueError:
            self.bad(what, value)
            return None

    def cite(self, key: str, label: str) -> str:
        """Where a value comes from, as `INDIGO-POJ-0153 field 'label' = value`."""
        return f"{self.pid} field '{label}' = {shorten(self.text(key) or '?', 60)}"


def sector_profile(text: str) -> SectorProfile | None:
    low = text.lower()
    for key, pattern in SECTOR_PATTERNS:
        if re.search(pattern, low):
            return SECTORS[key]
    return None


def classify_method(text: str) -> str | None:
    low = text.lower()
    for method, pattern in METHOD_PATTERNS:
        if re.search(pattern, low):
            return method
    return None


def metrics_of(reader: Reader) -> list[Mapping[str, Any]]:
    value = reader.raw("metrics")
    if value is None:
        reader.missing("metrics")
        return []
    if not isinstance(value, list):
        reader.bad("metrics", type(value).__name__, "not a list", "n'est pas une liste")
        return []
    good = [m for m in value if isinstance(m, Mapping)]
    if len(good) < len(value):
        reader.bad(
            "metrics",
            f"{len(value) - len(good)} of {len(value)}",
            "partly unreadable",
            "en partie illisibles",
        )
    return good


# ---------------------------------------------------------------------------------- building
@dataclass
class ImportResult:
    """A validated scenario (plain data, ready for TOML) and the record's gaps."""

    project_id: str
    data: dict[str, Any]
    gaps: list[Gap]

    @property
    def name(self) -> str:
        return self.data["meta"]["name"]

    def toml(self) -> str:
        return to_toml(self.data, self.gaps)


def assume(text: str) -> str:
    return f"assumption: {text}"


class _Builder:
    """One import in progress: reads the record, plans the contract, cites every value."""

    def __init__(self, record: Any, metadata: Any, project_id: str | None) -> None:
        record_ok = isinstance(record, Mapping)
        record = record if record_ok else {}
        own_id = record.get("id")
        pid = normalize_id(own_id) if isinstance(own_id, str) else None
        self.pid = pid or normalize_id(project_id or "") or "INDIGO-POJ-0000"
        self.r = Reader(record, self.pid)
        if not record_ok:
            self.r.bad("record", type(record).__name__, "not a table", "n'est pas une table")
        self.meta = metadata if isinstance(metadata, Mapping) else {}
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}
        self.notes_en: list[str] = []
        self.notes_fr: list[str] = []

    # ------------------------------------------------------------------ helpers
    def set(self, path: str, value: Any, source: str) -> None:
        self.values[path] = value
        self.sources[path] = source

    def median(self, key: str, fallback: float) -> tuple[float, str]:
        """A dataset median from the data file's metadata (the default for a missing field)."""
        medians = self.meta.get("medians")
        entry = medians.get(key) if isinstance(medians, Mapping) else None
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value), f"median of the shipped INDIGO data (n={entry.get('n', '?')})"
        return fallback, "a round default (the data file gives no median)"

    def rates(self) -> dict[str, float]:
        """USD per unit of each currency, as INDIGO converts (data file metadata)."""
        table = self.meta.get("usd_rates")
        out = {}
        for code, entry in table.items() if isinstance(table, Mapping) else ():
            value = entry.get("usd_per_unit") if isinstance(entry, Mapping) else None
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                out[str(code)] = float(value)
        out["USD"] = 1.0
        return out

    def usd_to_currency(self) -> float | None:
        rate = self.rates().get(self.currency)
        return 1.0 / rate if rate else None

    def money(self, amount: float, lang: str = "en") -> str:
        return money_text(amount, self.currency, lang)

    # ------------------------------------------------------------------ reading the record
    def identity(self) -> None:
        r = self.r
        self.title = r.text("name") or r.text("alternative_names")
        if not self.title:
            r.missing("title")
            self.title = f"INDIGO project {self.pid}"
        sector_text = r.text("sector")
        profile = sector_profile(sector_text) if sector_text else None
        if profile is None:
            if sector_text:
                r.bad("sector", sector_text, "not recognised", "non reconnu")
            else:
                r.missing("sector")
            profile = SECTORS["unknown"]
        self.profile = profile
        self.countries = country_codes(r.record)
        if not self.countries:
            r.missing("country")

    def dates(self) -> None:
        """Service start and length in months, from the first usable INDIGO date fields."""
        r = self.r
        self.start: tuple[int, int] | None = None
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
            self.start = (year, month)
            self.start_src = r.cite(key, label) + ("" if given else " (January assumed)")
            break
        if self.start is None:
            r.missing("start")
            year, why = self.median("start_year", 2018)
            self.start = (int(year), 1)
            self.start_src = assume(f"{int(year)}, the {why}, because the record has no date")

        self.duration: int | None = None
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
                    months = month_index(self.start, parse_month(value, end=True)[:2]) + 1
                else:
                    months = round(parse_number(value))
                if months <= 0:
                    raise ValueError(value)
            except ValueError:
                r.bad("duration", value)
                continue
            self.duration = months
            self.duration_src = r.cite(key, label) + (
                " minus the start date" if is_date else " months"
            )
            break
        if self.duration is None:
            r.missing("duration")
            months, why = self.median("duration_months", 48)
            self.duration = round(months)
            self.duration_src = assume(
                f"{self.duration} months, the {why}, because the record gives no service "
                "duration or end date"
            )
        if not 2 <= self.duration <= 180:
            clamped = min(max(self.duration, 2), 180)
            self.duration_src += f" (clamped from {self.duration} to {clamped} months)"
            self.duration = clamped

    def users(self) -> None:
        r = self.r
        self.users_n: float | None = None
        for key, label in (
            ("users_target", "Targeted number of unique service users or beneficiaries"),
            ("users_actual", "Actual number of unique service users or beneficiaries engaged"),
        ):
            value = r.number(key, "users")
            if value is not None and value >= 1:
                self.users_n = float(round(value))
                self.users_src = r.cite(key, label)
                break
            if value is not None:
                r.bad("users", r.raw(key), "below one", "inférieur à un")
        if self.users_n is None:
            r.missing("users")
        unit = r.text("users_target_unit") or r.text("users_actual_unit")
        desc = r.text("users_target_unit_description")
        self.unit_note = ""
        if unit and unit.lower() != "individual":
            self.unit_note = shorten(desc or unit, 40)

    def finance(self) -> None:
        """Capital, maximum payment and prices in one currency (INDIGO's own conversions)."""
        r = self.r
        capital = self._capital()
        max_payment = None
        amount = r.number("max_payment", "max_payment")
        currency = self._currency("max_payment_currency")
        usd = r.number("max_payment_usd", "max_payment")
        if amount:
            label = "Maximum potential outcome payment"
            max_payment = Money(amount, currency, usd, r.cite("max_payment", label))
        elif usd:
            label = "Maximum potential outcome payment USD"
            max_payment = Money(usd, "USD", usd, r.cite("max_payment_usd", label))
        prices = self._prices()

        # The scenario's currency: the outcome contract's, else the investment's, else prices'.
        self.currency = (
            (max_payment and max_payment.currency)
            or (capital and capital.currency)
            or next((p.currency for p in prices if p.currency), None)
            or ""
        )
        national = {COUNTRIES[c][2] for c in self.countries if c in COUNTRIES}
        if self.currency:
            self.currency_src = f"{self.pid} currency fields: {self.currency}"
        elif len(national) == 1 and (code := national.pop()) in self.rates():
            self.currency = code
            self.currency_src = assume(
                f"{code}, the currency of {self.countries_text('en')}, because the record gives "
                "no currency"
            )
        else:
            self.currency = "USD"
            self.currency_src = assume("USD, because the record gives no currency")
        if self.currency_src.startswith("assumption") and (capital or max_payment or prices):
            r.missing("currency")
        self.capital = self._convert(capital, "capital")
        self.max_payment = self._convert(max_payment, "max_payment")
        self.prices = [c for p in prices if (c := self._convert(p, "prices")) is not None]
        if capital is None:
            r.missing("capital")
        if max_payment is None:
            r.missing("max_payment")
        if self.capital and self.max_payment:
            ratio = self.capital[0] / self.max_payment[0]
            if ratio > 10:  # e.g. a per-participant cap recorded as the total
                r.bad(
                    "max_payment",
                    self.money(self.max_payment[0]),
                    f"below a tenth of the capital ({self.money(self.capital[0])}), not used",
                    "inférieur au dixième du capital, non utilisé",
                )
                self.max_payment = None
            elif ratio < 0.01:
                r.bad(
                    "capital",
                    self.money(self.capital[0]),
                    "below a hundredth of the maximum payment, not used",
                    "inférieur au centième du paiement maximal, non utilisé",
                )
                self.capital = None

    def _currency(self, key: str) -> str | None:
        raw = self.r.raw(key)
        code = normalize_currency(raw)
        if raw is not None and code is None:
            self.r.bad("currency", raw)
        return code

    def _capital(self) -> Money | None:
        r = self.r
        exact = r.number("investment_exact", "capital")
        low, high = r.number("investment_min", "capital"), r.number("investment_max", "capital")
        usd = r.number("investment_usd_exact", "capital")
        currency = self._currency("investment_currency")
        if exact:
            return Money(exact, currency, usd, r.cite("investment_exact", "Total investment"))
        if low and high:
            source = (
                f"{self.pid} fields 'Total investment (min, max)' = {low:,.0f}, {high:,.0f}: "
                "the midpoint"
            )
            return Money((low + high) / 2, currency, None, source)
        if low or high:
            key = "investment_min" if low else "investment_max"
            return Money(float(low or high), currency, None, r.cite(key, "Total investment"))
        if usd:
            return Money(usd, "USD", usd, r.cite("investment_usd_exact", "Total investment USD"))
        return None

    def _prices(self) -> list[Money]:
        out = []
        for metric in self.metrics:
            price = metric.get("price")
            if price is None:
                continue
            if not isinstance(price, Mapping):
                self.r.bad("prices", price)
                continue
            raw = price.get("amount")
            try:
                amount = parse_number(raw)
            except ValueError:
                if raw not in (None, ""):
                    self.r.bad("prices", raw)
                continue
            if amount <= 0:
                continue
            try:
                usd: float | None = parse_number(price.get("amount_usd"))
            except ValueError:
                usd = None
            definition = metric.get("definition")
            what = shorten(definition, 50) if isinstance(definition, str) else "a metric"
            source = f"{self.pid} price of '{what}' = {amount:,.0f}"
            out.append(Money(amount, normalize_currency(price.get("currency")), usd, source))
        return out

    def _convert(self, money: Money | None, what: str) -> tuple[float, str] | None:
        """An amount in the scenario's currency, with its source; None (and a gap) if it cannot
        be converted."""
        if money is None:
            return None
        target = self.currency
        if money.currency == target:
            return money.amount, money.source
        if money.currency is None:
            return money.amount, f"{money.source} (no currency given: read as {target})"
        if target == "USD" and money.usd:
            return money.usd, f"{money.source} {money.currency}, INDIGO's USD conversion"
        rates = self.rates()
        if money.currency in rates and target in rates:
            value = money.amount * rates[money.currency] / rates[target]
            return value, (
                f"{money.source} {money.currency}, converted to {target} at INDIGO's median rate "
                "(data file metadata, usd_rates)"
            )
        self.r.bad(
            what, f"{money.currency} {money.amount:,.0f}", "not convertible", "non convertible"
        )
        return None

    def method_and_metric(self) -> None:
        """Evaluation method: INDIGO's validation method field (the strictest across metrics),
        else a comparison design named in the text, else pre-post. Frequency if events counted."""
        r = self.r
        explicit = []
        for metric in self.metrics:
            text = metric.get("validation_method")
            if isinstance(text, str) and (method := classify_method(text)):
                explicit.append((method, text))
        texts = [m.get("definition") for m in self.metrics] + [
            r.text("notes"),
            r.text("finance_notes"),
        ]
        free = " ".join(t for t in texts if isinstance(t, str)).lower()
        if explicit:
            method, text = max(explicit, key=lambda m: EVALUATION_RANK[m[0]])
            others = sorted({t for _, t in explicit} - {text})
            also = f" (the strictest; also: {', '.join(shorten(o, 30) for o in others)})"
            self.method = method
            self.method_src = (
                f"{self.pid} metric field 'Outcome validation Method' = '{shorten(text, 60)}'"
                + (also if others else "")
            )
        elif found := keyword_method(free):
            self.method, word = found
            self.method_src = (
                f"{self.pid} metric definitions or notes mention '{word}' (no validation "
                "method field)"
            )
        else:
            r.missing("method")
            self.method = "pre_post"
            self.method_src = assume(
                "pre_post, because the record gives no validation method; most INDIGO projects "
                "that give one use simple ex-post verification of outcomes achieved (CASES.md "
                "§8, Verification methods)"
            )
        frequency = re.search(FREQUENCY_PATTERN, free)
        if frequency:
            self.metric = "frequency"
            self.metric_src = f"{self.pid} metric definition counts events: '{frequency.group(0)}'"
        else:
            self.metric = "binary"
            self.metric_src = assume(
                f"binary: one outcome per person ({self.profile.adverse_en}, or not), because "
                "the record's metrics do not count events"
            )

    def returns(self) -> None:
        r = self.r
        self.return_cap: tuple[float, str] | None = None
        kind = r.text("max_return_type").upper()
        value = r.raw("max_return")
        if value is not None:
            try:
                rate = parse_rate(value)
                source = r.cite("max_return", "Maximum potential return")
                if kind == "ROI":
                    years = max(self.duration / 12, 1.0)
                    rate = (1 + rate) ** (1 / years) - 1
                    source += f" (an ROI, annualised over {years:.1f} years)"
                self.return_cap = (round(rate, 4), source)
            except ValueError:
                r.bad("return", value)
        self.irr_target: tuple[float, str] | None = None
        value = r.raw("irr_target")
        if value is not None:
            try:
                target = parse_rate(value)
                self.irr_target = (round(target, 4), r.cite("irr_target", "IRR - Target"))
            except ValueError:
                r.bad("return", value)
        if self.return_cap is None and self.irr_target is not None:
            self.return_cap = self.irr_target
        if self.return_cap is None:
            r.missing("return")

    # ------------------------------------------------------------------ planning the contract
    def plan_timeline(self) -> None:
        """The service period holds the enrolment window plus one support spell."""
        prof = self.profile
        service = prof.service_months
        why = f"{prof.service_why} ({prof.en} default)"
        if service > self.duration // 2:
            service = max(1, self.duration // 2)
            why += f", shortened to half the {self.duration}-month service period"
        enrol = max(1, self.duration - service)
        self.cohorts = 3 if enrol >= 24 else 2 if enrol >= 12 else 1
        self.cohort_months = max(1, round(enrol / self.cohorts))
        self.service = service
        self.enrol = self.cohorts * self.cohort_months
        self.delivery = self.enrol + service
        plan = (
            f"the service period ({self.duration_src}) less one {service}-month support spell "
            f"leaves {enrol} months of enrolment"
        )
        self.set("intervention.service_months", service, assume(why))
        self.set(
            "contract.cohorts",
            self.cohorts,
            assume(f"{plan}: yearly-or-so cohorts, at most 3"),
        )
        self.set(
            "contract.cohort_months",
            self.cohort_months,
            assume(f"{plan}, split in {self.cohorts} cohort(s)"),
        )

    def plan_population(self) -> None:
        """Eligible population: three per user served; very large programmes at scale."""
        if self.users_n is not None:
            users, users_src = self.users_n, self.users_src
        elif self.capital is not None and (to_cur := self.usd_to_currency()):
            per_user, why = self.median("investment_usd_per_user", 3000)
            users = max(1.0, round(self.capital[0] / (per_user * to_cur)))
            users_src = assume(
                f"{users:,.0f} users: the capital at USD {per_user:,.0f} per user ({why}), "
                "because the record gives no number of users"
            )
        else:
            users, why = self.median("users_target", 446)
            users = float(round(users))
            users_src = assume(f"{users:,.0f} users, the {why}, because the record gives none")
        self.users_total = users
        self.scale = min(1.0, MAX_ELIGIBLE / (ELIGIBLE_PER_USER * users))
        self.sim_users = max(1.0, users * self.scale)
        eligible = max(50, min(MAX_ELIGIBLE, round(ELIGIBLE_PER_USER * self.sim_users)))
        scaled = ""
        if self.scale < 1:
            scaled = (
                f"; simulated at 1:{1 / self.scale:,.1f} scale ({self.sim_users:,.0f} users "
                f"stand for {users:,.0f}), with money totals scaled alike"
            )
            self.notes_en.append(
                f"Simulated at 1:{1 / self.scale:,.1f} scale: capital, maximum payment and budget "
                "are scaled alike."
            )
            self.notes_fr.append(
                f"Simulé à l'échelle 1:{1 / self.scale:,.1f} : capital, paiement maximal et "
                "budget réduits d'autant."
            )
        self.set(
            "population.size",
            eligible,
            assume(
                f"{ELIGIBLE_PER_USER} eligible people per user served, room for the operator's "
                f"choice and for control groups; users: {users_src}{scaled}"
            ),
        )
        if self.unit_note:
            self.notes_en.append(
                f"Users are not individuals: one modelled person = one '{self.unit_note}'."
            )
            self.notes_fr.append(
                f"Les bénéficiaires ne sont pas des personnes : une personne "
                f"modélisée = « {self.unit_note} »."
            )

    def plan_money(self) -> None:
        """Capital and maximum payment, or defaults from dataset medians."""
        ratio, ratio_why = self.median("capital_to_max_payment", 0.33)
        if self.capital is not None:
            capital, capital_src = self.capital
        elif self.max_payment is not None:
            capital = self.max_payment[0] * ratio
            capital_src = assume(
                f"{ratio:.2f} × the maximum payment ({ratio_why} of capital ÷ maximum payment), "
                "because the record gives no usable investment"
            )
        else:
            per_user, why = self.median("investment_usd_per_user", 3000)
            to_cur = self.usd_to_currency()
            capital = self.users_total * per_user * (to_cur or 1.0)
            converted = f", converted to {self.currency} at INDIGO's median rate"
            capital_src = assume(
                f"{self.users_total:,.0f} users × USD {per_user:,.0f} per user ({why})"
                + (
                    ("" if self.currency == "USD" else converted)
                    if to_cur
                    else ", read as the currency's own units (no rate)"
                )
                + ", because the record gives neither investment nor maximum payment"
            )
        if self.max_payment is not None:
            max_payment, max_src = self.max_payment
        else:
            max_payment = capital / ratio
            max_src = assume(
                f"capital ÷ {ratio:.2f} ({ratio_why} of capital ÷ maximum payment), because the "
                "record gives no usable maximum payment"
            )
        if self.scale < 1:
            capital_src += f"; × {self.scale:.4g} (simulated scale)"
            max_src += f"; × {self.scale:.4g} (simulated scale)"
        self.capital_sim = float(max(round(capital * self.scale), 1))
        self.max_payment_sim = float(max(round(max_payment * self.scale), 1))
        self.set("investor.capital", self.capital_sim, capital_src)
        self.set("contract.max_payment", self.max_payment_sim, max_src)

    def plan_operator(self) -> None:
        """Places to serve the users over the cohorts; costs that the capital pays for."""
        prof = self.profile
        needed = max(1, math.ceil(self.sim_users * self.service / self.enrol))
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
        self.workers, self.caseload, self.hours_per_worker = workers, caseload, hours
        self.capacity = workers * caseload
        self.set(
            "operator.caseworkers",
            workers,
            assume(
                f"{needed} places ({self.sim_users:,.0f} users × a {self.service}-month spell ÷ "
                f"{self.enrol} months of enrolment) ÷ {prof.caseload} clients each"
            ),
        )
        self.set(
            "operator.caseload_per_worker",
            caseload,
            assume(f"{prof.caseload_why}, evened over {workers} caseworker(s)"),
        )
        self.set("operator.hours_per_worker", float(hours), hours_src)

        orgs = self.r.raw("organisations")
        has_intermediary = isinstance(orgs, Mapping) and bool(_strings(orgs.get("intermediaries")))
        capital = self.capital_sim
        fee = float(round(FEE_SHARE * capital)) if has_intermediary else 0.0
        self.set(
            "contract.intermediary_fee",
            fee,
            assume(f"{FEE_SHARE:.0%} of capital for the intermediaries INDIGO lists")
            if has_intermediary
            else assume("none, because the record lists no intermediary"),
        )
        self.set(
            "operator.cash",
            float(round(CASH_SHARE * capital)),
            assume(f"the operator's own reserve, {CASH_SHARE:.0%} of capital"),
        )
        monthly = max(capital - fee, 0.0) / self.delivery
        why = (
            f"capital less fees ({self.money(capital - fee)}) pays for {self.delivery} months of "
            f"delivery ({self.enrol} of enrolment + a {self.service}-month spell)"
        )
        self.staff = round(COST_SPLIT["staff"] * monthly / workers, 2)
        self.set("operator.staff_cost_per_worker_month", self.staff, assume(f"{why}, 75% staff"))
        self.set(
            "operator.cost_per_place_month",
            round(COST_SPLIT["places"] * monthly / self.capacity, 2),
            assume(f"{why}, 10% per place"),
        )
        self.set(
            "operator.fixed_costs_month",
            round(COST_SPLIT["fixed"] * monthly, 2),
            assume(f"{why}, 15% overheads"),
        )

    def plan_price(self) -> None:
        """One composite outcome per person, priced so that payments at full expected success
        are in the range of the maximum payment; the record's price when one fits."""
        hours = max(self.hours_per_worker / self.caseload - QUALITY_STANDARD_HOURS, 0.0)
        hours *= self.service
        gain = expected_gain(self.profile.baseline_rate, hours, self.metric, self.method)
        outcomes = max(self.sim_users * gain, 1e-9)
        max_payment = self.max_payment_sim
        coherent = max_payment / outcomes
        expected = (
            f"{self.sim_users:,.0f} users × {gain:.2f} measured outcomes each at the planned "
            f"service ({hours:.0f} h a spell; {EVALUATION_EN[self.method]})"
        )
        price = coherent
        source = assume(
            f"maximum payment ÷ expected outcomes ({expected}), so full expected success pays "
            "the maximum"
        )
        if self.prices:
            values = [v for v, _ in self.prices]
            low, high = min(values), max(values)
            nearest, nearest_src = min(self.prices, key=lambda p: abs(math.log(p[0] / coherent)))
            listed = (
                f"the record prices {len(values)} metric(s) at {self.money(low)}–{self.money(high)}"
                if low != high
                else f"the record's price is {self.money(low)}"
            )
            if max_payment / 3 <= nearest * outcomes <= 3 * max_payment:
                price = nearest
                source = (
                    nearest_src
                    if low == high
                    else f"{nearest_src}: of the record's prices ({listed}), the one nearest to "
                    f"maximum payment ÷ expected outcomes ({expected}); the model pays one "
                    "composite outcome per person"
                )
            else:
                paid = self.money(nearest * outcomes)
                source += (
                    f"; {listed}, but one outcome per person at the nearest would pay {paid}, "
                    "not within a factor 3 of the maximum payment (rate cards pay several "
                    "outcomes per person)"
                )
        else:
            self.r.missing("prices")
            source += ", because the record gives no outcome prices"
        self.price = round(price, 2)
        self.set("contract.price_per_outcome", self.price, source)

    def plan_terms(self) -> None:
        prof = self.profile
        self.set("contract.metric", self.metric, self.metric_src)
        self.set("contract.evaluation", self.method, self.method_src)
        selection, why = prof.selection, assume(prof.selection_why)
        if re.search(r"\brefer", self.r.text("target_population").lower()):
            selection = "public_referral"
            why = f"{self.pid} field 'Target population' describes referrals"
        self.set("contract.selection", selection, why)
        self.set(
            "contract.measurement_months",
            prof.measurement_months,
            assume(f"{prof.measurement_why} ({prof.en} default)"),
        )
        lag = 1 if self.method == "pre_post" else 3
        self.set(
            "contract.payment_lag_months",
            lag,
            assume("a month to verify and pay achieved outcomes")
            if lag == 1
            else assume("a quarter to analyse the comparison and pay"),
        )
        self.thresholds()
        if self.return_cap is not None:
            cap, cap_src = self.return_cap
        else:
            cap = DEFAULT_RETURN_CAP
            cap_src = assume(
                f"{cap:.0%} a year, mid-range of the caps INDIGO records (2%–15%, CASES.md §8), "
                "because the record gives none"
            )
        self.set("contract.return_cap", cap, cap_src)
        if self.irr_target is not None and self.irr_target[0] <= cap:
            self.set("investor.required_return", *self.irr_target)
        else:
            required = round(min(0.03, cap), 4)
            self.set(
                "investor.required_return",
                required,
                assume(
                    f"{required:.1%} a year, what impact investors commonly ask (French CIS "
                    "target 3.5–4.5%, CASES.md §8), no higher than the cap"
                ),
            )
        self.set(
            "population.baseline_rate",
            prof.baseline_rate,
            assume(f"{prof.baseline_why}: share {prof.adverse_en} ({prof.en} default)"),
        )
        self.set(
            "intervention.max_logit_reduction",
            MAX_LOGIT_REDUCTION,
            assume("the schema default, because the record gives no effect size"),
        )
        self.set(
            "intervention.hours_scale",
            HOURS_SCALE,
            assume("the schema default: 20 hours give 63% of the maximum effect"),
        )
        self.set(
            "contract.quality_standard_hours",
            QUALITY_STANDARD_HOURS,
            assume("one hour per client-month of unmeasured support (schema default)"),
        )

    def thresholds(self) -> None:
        """Relative triggers read from definitions ('a 10% reduction'), comparison designs only."""
        threshold, overall, kind = 0.0, 0.0, "absolute"
        src = (
            assume("no trigger: every verified outcome is paid (rate-card style)")
            if self.method == "pre_post"
            else assume("no trigger stated, so payment follows the measured effect")
        )
        overall_src = assume("no overall trigger stated")
        kind_src = assume("absolute per-person threshold (schema default)")
        if self.method != "pre_post":
            for metric in self.metrics:
                text = metric.get("definition")
                match = (
                    re.search(REDUCTION_PATTERN, text.lower()) if isinstance(text, str) else None
                )
                if not match or not 0 < float(match.group(1)) <= 100:
                    continue
                value = float(match.group(1)) / 100
                quote = f"{self.pid} metric definition: '{shorten(match.group(0), 40)}'"
                if re.search(OVERALL_PATTERN, text.lower()):
                    if not overall:
                        overall, overall_src = value, f"{quote}, across all cohorts"
                elif not threshold:
                    threshold, src = value, f"{quote}, per cohort"
            if threshold or overall:
                kind = "relative"
                kind_src = f"{self.pid} metric definitions state reductions in percent"
        self.set("contract.threshold", threshold, src)
        self.set("contract.threshold_kind", kind, kind_src)
        self.set("contract.overall_threshold", overall, overall_src)

    def plan_payer_and_values(self) -> None:
        """Payer's envelope, evaluation fees and the values agents weigh, in the currency."""
        fee = round(EVALUATION_SHARE * self.max_payment_sim / self.cohorts, 2)
        self.set(
            "evaluator.fee_per_measurement",
            fee,
            assume(
                f"evaluation or verification costs {EVALUATION_SHARE:.0%} of the maximum payment, "
                "spread over the cohorts"
            ),
        )
        self.set(
            "state.budget",
            float(round(1.1 * self.max_payment_sim + self.cohorts * fee)),
            assume("the payer's envelope: the maximum payment plus 10%, and the evaluation fees"),
        )
        self.set(
            "state.cost_per_event",
            round(2 * self.price, 2),
            assume(
                "an outcome price is about half the public cost it avoids (as Peterborough's "
                "payments, CASES.md §1, Payment formula)"
            ),
        )
        self.set(
            "operator.value_per_avoided_event",
            round(self.price / 3, 2),
            assume(
                "the operator values an avoided adverse outcome at a third of its price, the "
                "default scenario's ratio"
            ),
        )
        self.set(
            "operator.value_of_wellbeing",
            round(self.staff * 60 / 3500, 2),
            assume("the default scenario's ratio to a caseworker's monthly cost (60 / 3,500)"),
        )
        self.set(
            "contract.audit_penalty",
            round(self.price * 0.02, 2),
            assume(
                "2% of the outcome price per client for a full quality shortfall, the default "
                "scenario's ratio (300 / 15,000)"
            ),
        )

    def plan_covid(self) -> None:
        """A risk shock in March 2020 when the record reports COVID-19 changes mid-service."""
        covid = self.r.text("covid_changes")
        offset = month_index(self.start, COVID_MONTH)
        if covid and 0 <= offset < self.duration:
            self.set(
                "context.shock_month",
                offset,
                f"{self.pid} field 'Changes to project due to COVID-19' = "
                f"'{shorten(covid, 50)}': March 2020 is month {offset} of the service",
            )
            self.set(
                "context.shock_size",
                COVID_SHOCK,
                assume(
                    "the pandemic raised everyone's adverse-outcome risk by 0.2 on the logit "
                    "scale (about 5 points at 50%)"
                ),
            )

    # ------------------------------------------------------------------ the whole import
    def build(self) -> dict[str, Any]:
        self.metrics = metrics_of(self.r)
        self.identity()
        self.dates()
        self.users()
        self.finance()
        self.method_and_metric()
        self.returns()
        self.plan_timeline()
        self.plan_population()
        self.plan_money()
        self.plan_operator()
        self.plan_price()
        self.plan_terms()
        self.plan_payer_and_values()
        self.plan_covid()
        self.set("meta.currency", self.currency, self.currency_src)
        self.set("meta.start_year", int(self.start[0]), self.start_src)
        return self.assemble()

    def assemble(self) -> dict[str, Any]:
        """Schema defaults for every field, the values planned above, a source for each path."""
        from cislab.model.scenarios import known_paths
        from cislab.model.schema import Meta, Scenario

        name = self.pid.lower().replace("-", "_")
        data = Scenario(meta=Meta(name=name)).model_dump(mode="json")
        for path, value in self.values.items():
            section, key = path.split(".")
            data[section][key] = value
        for path in known_paths():
            if path not in self.sources and not path.startswith("meta."):
                self.sources[path] = assume(
                    "CIS Lab's default (model/schema.py), because INDIGO records do not describe "
                    "this lever"
                )
        title_en, title_fr = self.titles()
        data["meta"] = {
            "name": name,
            "title": {"en": title_en, "fr": title_fr},
            "description": {"en": self.description("en"), "fr": self.description("fr")},
            "currency": self.currency,
            "start_year": int(self.start[0]),
        }
        data["sources"] = dict(sorted(self.sources.items()))
        return data

    def countries_text(self, lang: str) -> str:
        i = 0 if lang == "en" else 1
        unknown = "country unknown" if lang == "en" else "pays inconnu"
        return ", ".join(COUNTRIES.get(c, (c, c))[i] for c in self.countries) or unknown

    def titles(self) -> tuple[str, str]:
        title = shorten(self.title, 80)
        title_fr = (
            f"Projet INDIGO {self.pid}"
            if self.r.text("name") == "" and not self.r.text("alternative_names")
            else title
        )
        return (
            f"{title} ({self.countries_text('en')}, INDIGO)",
            f"{title_fr} ({self.countries_text('fr')}, INDIGO)",
        )

    def description(self, lang: str) -> str:
        prof, gaps = self.profile, self.r.gaps
        start = f"{self.start[0]}-{self.start[1]:02d}"
        capital, max_payment = (
            self.money(self.capital_sim, lang),
            self.money(self.max_payment_sim, lang),
        )
        price = self.money(self.price, lang)
        users = f"{self.users_total:,.0f}".replace(",", "\u202f" if lang == "fr" else ",")
        definitions = [
            m.get("definition") for m in self.metrics if isinstance(m.get("definition"), str)
        ]
        shown = "; ".join(f"'{shorten(d, 70)}'" for d in definitions[:2])
        if lang == "en":
            more = f" and {len(definitions) - 2} more" if len(definitions) > 2 else ""
            parts = [
                f"Imported from {self.pid}, Government Outcomes Lab, University of Oxford —",
                "INDIGO Impact Bond Dataset (open data).",
                f"{prof.en}, {self.countries_text('en')}; service from {start} for",
                f"{self.duration} months. Capital {capital}; maximum outcome payment",
                f"{max_payment}; {users} users.",
                f"Outcome metrics in the record: {shown}{more}." if definitions else "",
                f"Evaluation: {EVALUATION_EN[self.method]}.",
                "Modelled as one composite outcome per person (sector default: adverse =",
                f"{prof.adverse_en}), paid {price} per outcome.",
                *self.notes_en,
                "Gaps, filled with stated assumptions (see [sources]): "
                + "; ".join(g.en for g in gaps)
                + "."
                if gaps
                else "No gaps in the fields the importer maps.",
            ]
        else:
            more = f" et {len(definitions) - 2} autres" if len(definitions) > 2 else ""
            parts = [
                f"Importé de {self.pid}, Government Outcomes Lab, Université d'Oxford —",
                "INDIGO Impact Bond Dataset (données ouvertes).",
                f"{prof.fr}, {self.countries_text('fr')} ; service à partir de {start}",
                f"pendant {self.duration} mois. Capital {capital} ; paiement maximal des",
                f"résultats {max_payment} ; {users} bénéficiaires.",
                f"Indicateurs de la fiche (en anglais) : {shown}{more}." if definitions else "",
                f"Évaluation : {EVALUATION_FR[self.method]}.",
                "Modélisé comme un résultat composite par personne (défaut du secteur :",
                f"défavorable = {prof.adverse_fr}), payé {price} par résultat.",
                *self.notes_fr,
                "Lacunes, comblées par des hypothèses explicites (voir [sources]) : "
                + " ; ".join(g.fr for g in gaps)
                + "."
                if gaps
                else "Aucune lacune dans les champs repris.",
            ]
        return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()


def keyword_method(text: str) -> tuple[str, str] | None:
    """A comparison design named in free text (definitions, notes); pre-post is not inferred."""
    for method, pattern in METHOD_PATTERNS[:3]:
        match = re.search(pattern, text)
        if match:
            return method, match.group(0)
    return None


def expected_gain(baseline: float, hours: float, metric: str, method: str) -> float:
    """Measured outcomes per counted person at the planned service, as the evaluator counts them.

    Pre/post counts every success (entry required the adverse outcome); comparison designs count
    only the difference the service makes. Ignores dropouts and selection: a planning figure."""
    shift = MAX_LOGIT_REDUCTION * (1.0 - math.exp(-hours / HOURS_SCALE))
    treated = expit(logit(baseline) - shift)
    if metric == "binary":
        return 1.0 - treated if method == "pre_post" else baseline - treated
    rate0, rate1 = -math.log1p(-baseline), -math.log1p(-treated)
    return rate0 / baseline - rate1 if method == "pre_post" else rate0 - rate1


def build_scenario(
    record: Any, metadata: Mapping[str, Any] | None = None, project_id: str | None = None
) -> ImportResult:
    """Scenario data for one INDIGO record, validated by the schema. Never raises on bad data:
    what is missing or malformed becomes a gap and a stated assumption."""
    from cislab.model.scenarios import validate_data

    builder = _Builder(record, metadata or {}, project_id)
    data = builder.build()
    validate_data(data)
    return ImportResult(builder.pid, data, builder.r.gaps)


def import_project(project_id: str, dataset: Dataset | None = None) -> ImportResult:
    """The scenario for a shipped project id; IndigoError for an unknown id."""
    dataset = dataset or load_dataset()
    return build_scenario(dataset.get(project_id), dataset.metadata, project_id)


# ---------------------------------------------------------------------------------- TOML
def to_toml(data: Mapping[str, Any], gaps: Sequence[Gap] = ()) -> str:
    """TOML text of scenario data, with a header naming the source and its attribution."""
    import tomli_w

    meta = data["meta"]
    header = [
        f"# {meta['title']['en']}",
        "# Written by `cislab import-indigo` from data/indigo_projects.json.gz (shipped slice).",
        "# Data: Government Outcomes Lab, University of Oxford — INDIGO Impact Bond Dataset,",
        "# published by GO Lab as open data (export of 2024-12-24).",
        "# Every value has a [sources] entry: the INDIGO field it comes from, or 'assumption: …'.",
    ]
    if gaps:
        header.append(f"# Gaps ({len(gaps)}): " + "; ".join(g.en for g in gaps))
    else:
        header.append("# Gaps: none in the mapped fields.")
    lines = [w for line in header for w in textwrap.wrap(line, 99, subsequent_indent="#   ")]
    return "\n".join(lines) + "\n\n" + tomli_w.dumps(dict(data))
