"""`cislab import-indigo`: real INDIGO records become runnable, fully cited scenarios.

Twelve varied projects (eight sectors, ten countries, eight currencies, all four evaluation
methods, with and without prices, maximum payments or capital) are imported through the CLI,
validated and run; the search, the unknown-id refusal and a deliberately broken record are
tested too. The shipped data file is checked against its source when the source is present.
"""

from __future__ import annotations

import gzip
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cislab.importers import indigo
from cislab.importers.indigo import (
    build_scenario,
    import_project,
    load_dataset,
    normalize_currency,
    normalize_id,
    parse_month,
    parse_number,
    parse_rate,
)
from cislab.importers.indigo import dataset as indigo_dataset
from cislab.model.api import run
from cislab.model.scenarios import known_paths, load_scenario
from typer.testing import CliRunner

from cislab.cli import app
from tests.test_scenarios import uncited_numbers

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "indigo"  # the INDIGO export; test skipped if absent
runner = CliRunner()

# id -> what it exercises: (sector, country, currency, evaluation) and the record's particulars.
PROJECTS = {
    "INDIGO-POJ-0035": ("Education", "IN", "USD", "rct"),  # CHF capital converted; no prices
    "INDIGO-POJ-0153": ("Criminal justice", "GB", "GBP", "matched_comparison"),  # no max payment
    "INDIGO-POJ-0121": ("Child and family welfare", "GB", "GBP", "pre_post"),  # 23 prices
    "INDIGO-POJ-0001": ("Employment and training", "AR", "ARS", "pre_post"),  # prices, COVID
    "INDIGO-POJ-0002": ("Homelessness", "AU", "AUD", "pre_post"),  # frequency metric
    "INDIGO-POJ-0040": ("Health", "JP", "JPY", "pre_post"),  # no max payment, no duration
    "INDIGO-POJ-0043": ("Poverty reduction", "KE", "USD", "matched_comparison"),  # two countries
    "INDIGO-POJ-0094": ("Agriculture and environment", "US", "USD", "pre_post"),  # no users
    "INDIGO-POJ-0219": ("Education", "AU", "USD", "historical_baseline"),
    "INDIGO-POJ-0068": ("Education", "PT", "EUR", "pre_post"),  # 55,000 users: simulated at scale
    "INDIGO-POJ-0224": ("Poverty reduction", "RU", "RUB", "pre_post"),  # max payment, no capital
    "INDIGO-POJ-0026": ("Education", "FR", "EUR", "pre_post"),  # no money at all
    "INDIGO-POJ-0165": ("Employment and training", "GB", "GBP", "pre_post"),  # bad max payment
}
SMALL = {pid for pid in PROJECTS if pid not in {"INDIGO-POJ-0068", "INDIGO-POJ-0094"}}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, Path]:
    """Every test project imported once through the CLI."""
    folder = tmp_path_factory.mktemp("indigo")
    files = {}
    for pid in PROJECTS:
        out = folder / f"{pid}.toml"
        result = runner.invoke(app, ["import-indigo", pid, "--out", str(out)])
        assert result.exit_code == 0, result.output
        files[pid] = out
    return files


def sources_are_honest(sources: dict[str, str], pid: str) -> list[str]:
    """Sources that neither cite the project's INDIGO record nor state an assumption."""
    return [
        path
        for path, text in sources.items()
        if not (text.startswith(f"{pid} ") or text.startswith("assumption: "))
    ]


# ------------------------------------------------------------------------- the shipped data
def test_shipped_file_is_compact_attributed_and_complete(dataset):
    path = ROOT / "data" / "indigo_projects.json.gz"
    assert path == indigo.DATA_FILE  # inside the repository, never the shared folder
    assert path.stat().st_size < 400_000
    meta = dataset.metadata
    assert "Government Outcomes Lab, University of Oxford" in meta["attribution"]
    assert "INDIGO Impact Bond Dataset" in meta["attribution"]
    assert "Government Outcomes Lab, University of Oxford" in (ROOT / "data/README.md").read_text()
    assert len(dataset.projects) == meta["projects"] == 320
    assert {"GBP", "EUR", "USD", "JPY"} <= set(meta["usd_rates"])
    assert meta["medians"]["users_target"]["n"] > 100


def test_runtime_code_reads_nothing_outside_the_repository():
    for folder in ("importers", "cislab", "model", "agents"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "/work/shared" not in path.read_text(), path


@pytest.mark.skipif(not SOURCE.is_dir(), reason="INDIGO source CSVs not available")
def test_shipped_file_is_what_the_build_script_makes(tmp_path):
    out = tmp_path / "rebuilt.json.gz"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/build_indigo.py"),
            "--src",
            str(SOURCE),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (ROOT / "data/indigo_projects.json.gz").read_bytes()


# ------------------------------------------------------------------------- ten+ real projects
def test_projects_are_varied():
    sectors = {v[0] for v in PROJECTS.values()}
    assert len(PROJECTS) >= 10 and len(sectors) == 8
    assert len({v[1] for v in PROJECTS.values()}) >= 9
    assert {v[3] for v in PROJECTS.values()} == {
        "rct",
        "matched_comparison",
        "historical_baseline",
        "pre_post",
    }


@pytest.mark.parametrize("pid", sorted(PROJECTS))
def test_import_validates_and_cites_every_value(pid, imported, dataset):
    sector, country, currency, method = PROJECTS[pid]
    record = dataset.get(pid)
    assert record["sector"] == sector and country in record["countries"]
    ok = runner.invoke(app, ["validate", str(imported[pid])])
    assert ok.exit_code == 0 and "valid" in ok.output and "without a source" not in ok.output
    sc = load_scenario(imported[pid])
    assert sc.meta.name == pid.lower().replace("-", "_")
    assert sc.meta.currency == currency and sc.contract.evaluation == method
    assert sc.meta.title.en and sc.meta.title.fr and sc.meta.description.fr
    assert pid in sc.meta.description.en and "Government Outcomes Lab" in sc.meta.description.en
    assert uncited_numbers(sc) == []
    assert set(sc.sources) <= known_paths()
    assert sources_are_honest(sc.sources, pid) == []


@pytest.mark.parametrize("pid", sorted(PROJECTS))
def test_import_runs(pid, imported):
    """Small programmes run their whole contract; the two large ones a year."""
    sc = load_scenario(imported[pid])
    result = run(imported[pid], seed=1, months=None if pid in SMALL else 12)
    s = result.summary
    assert s["contract_signed"], "an INDIGO contract was signed: the import must be fundable"
    assert s["ledger_imbalance"] < 1e-6
    assert s["enrolled"] > 0
    assert s["outcome_payments"] <= sc.contract.max_payment + 1e-6
    if pid in SMALL and pid != "INDIGO-POJ-0219":
        # Financially coherent: over the whole contract, outcomes are paid (Side by side's
        # historical baseline may rightly find no effect; it is checked for signing only).
        assert s["outcome_payments"] > 0


def test_cli_run_of_an_import(imported, tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["run", str(imported["INDIGO-POJ-0121"]), "--months", "6", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["months"] == 6


def test_facts_from_the_records(imported):
    """Spot checks that fields land where they should."""
    eg = load_scenario(imported["INDIGO-POJ-0035"])
    assert eg.contract.max_payment == 422_000  # USD, as recorded
    assert math.isclose(eg.investor.capital, 292_898, rel_tol=1e-3)  # CHF 267,731 in USD
    assert eg.contract.return_cap == 0.15 and eg.meta.start_year == 2015
    assert "CHF" in eg.sources["investor.capital"]

    pb = load_scenario(imported["INDIGO-POJ-0153"])
    assert pb.investor.capital == 5_000_000 and pb.contract.metric == "frequency"
    assert pb.contract.threshold_kind == "relative"
    assert (pb.contract.threshold, pb.contract.overall_threshold) == (0.10, 0.075)
    assert pb.sources["contract.max_payment"].startswith("assumption: ")

    rw = load_scenario(imported["INDIGO-POJ-0121"])
    assert rw.contract.max_payment == 2_250_000
    assert rw.contract.price_per_outcome in {110, 220, 330, 660, 1760, 2750, 4730}
    assert rw.sources["contract.price_per_outcome"].startswith("INDIGO-POJ-0121 price of")
    assert rw.sources["investor.capital"].startswith("assumption: ")

    ba = load_scenario(imported["INDIGO-POJ-0001"])
    assert ba.context.shock_month >= 0  # COVID-19 changes recorded during the service
    assert "No gaps" in ba.meta.description.en

    sapie = load_scenario(imported["INDIGO-POJ-0068"])
    assert sapie.population.size == indigo.MAX_ELIGIBLE
    assert "scale" in sapie.meta.description.en

    t2 = load_scenario(imported["INDIGO-POJ-0165"])  # max payment 11,800 for capital 1.65m
    assert t2.contract.max_payment > t2.investor.capital
    assert "GBP 11,800" in t2.meta.description.en

    a1 = load_scenario(imported["INDIGO-POJ-0026"])
    assert a1.sources["meta.currency"].startswith("assumption: EUR, the currency of France")


def test_default_output_file_and_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["import-indigo", "poj-35"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "indigo_poj_0035.toml").is_file()
    assert "1 gap(s)" in result.output and "no outcome prices" in result.output
    shown = runner.invoke(app, ["import-indigo", "35", "--out", "-"])
    assert shown.exit_code == 0
    assert tomllib.loads(shown.output)["meta"]["name"] == "indigo_poj_0035"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indigo_poj_0035.toml"]


# ------------------------------------------------------------------------- search and refusals
def test_list_searches_titles_countries_sectors_and_organisations(dataset):
    one = runner.invoke(app, ["import-indigo", "--list", "peterborough"])
    assert one.exit_code == 0 and "INDIGO-POJ-0153" in one.output
    assert "1 of 320 projects" in one.output
    france = dataset.search("france")
    in_france = [p for p in france if "FR" in p["countries"]]
    # One more matches through an organisation's name (CARE France, in Ethiopia).
    assert len(in_france) >= 20 and len(france) - len(in_france) <= 2
    both = dataset.search("homelessness australia")
    assert both and all(p["sector"] == "Homelessness" and "AU" in p["countries"] for p in both)
    by_org = dataset.search("ubs optimus")
    assert "INDIGO-POJ-0035" in {p["id"] for p in by_org}
    words = runner.invoke(app, ["import-indigo", "--list", "educate", "girls"])
    assert "INDIGO-POJ-0035" in words.output
    assert len(dataset.search("")) == 320
    none = runner.invoke(app, ["import-indigo", "--list", "zzzz"])
    assert none.exit_code == 0 and "no INDIGO project matches 'zzzz'" in none.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import-indigo", "INDIGO-POJ-9999"], "unknown INDIGO project 'INDIGO-POJ-9999'"),
        (["import-indigo", "peterborough"], "unknown INDIGO project 'peterborough'"),
        (["import-indigo"], "give an INDIGO project id"),
        (["import-indigo", "35", "36"], "give one project id"),
    ],
)
def test_bad_ids_exit_2_with_one_line_and_write_nothing(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "never.toml"
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------- broken records
BROKEN = {
    "id": "INDIGO-POJ-0999",
    "name": ["not", "a", "string"],
    "sector": "Interplanetary diplomacy",
    "date_service_start": "2018-13",
    "date_outcomes_contract_signed": "soon",
    "service_duration_anticipated": "-12",
    "date_service_end_anticipated": "2015-01",
    "users_target": "many",
    "users_actual": 0,
    "investment_currency": "Martian dollars",
    "investment_exact": "C$",
    "max_payment": "1,2,3",
    "max_payment_currency": None,
    "max_return": "a lot",
    "max_return_type": "IRR",
    "irr_target": True,
    "countries": "FR",
    "metrics": [
        "not a metric",
        {"definition": 42, "validation_method": ["RCT"], "price": "free"},
        {"definition": "Jobs", "price": {"amount": "abc", "currency": "GBP"}},
    ],
    "organisations": ["not", "a", "table"],
    "covid_changes": {"weird": True},
}


def test_broken_record_gives_a_runnable_scenario_with_marked_gaps(dataset):
    result = build_scenario(BROKEN, dataset.metadata)
    data = result.data
    sc = load_scenario_from(data)
    gaps = " | ".join(g.en for g in result.gaps)
    for expected in (
        "title",
        "policy sector ('Interplanetary diplomacy') not recognised",
        "service start date ('2018-13') unreadable",
        "service duration ('-12') unreadable",
        "number of service users ('many') unreadable",
        "investment amount ('C$') unreadable",
        "currency ('Martian dollars') unreadable",
        "maximum outcome payment ('1,2,3') unreadable",
        "maximum return ('a lot') unreadable",
        "outcome metrics ('1 of 3') partly unreadable",
        "outcome prices ('abc') unreadable",
    ):
        assert expected in gaps
    assert "Gaps, filled with stated assumptions" in sc.meta.description.en
    assert "Lacunes" in sc.meta.description.fr
    for path in ("investor.capital", "contract.max_payment", "contract.price_per_outcome"):
        assert (
            sc.sources[path].startswith("assumption: ") and "because the record" in sc.sources[path]
        )
    assert sources_are_honest(sc.sources, "INDIGO-POJ-0999") == []
    assert uncited_numbers(sc) == []
    s = run(sc, seed=0, months=12).summary
    assert s["ledger_imbalance"] < 1e-6


def load_scenario_from(data):
    from cislab.model.scenarios import validate_data

    return validate_data(data)


@pytest.mark.parametrize("record", [None, [], "text", {}, {"id": 35}, {"metrics": {"a": 1}}])
def test_records_of_the_wrong_shape_never_crash(record, dataset):
    result = build_scenario(record, dataset.metadata, project_id="INDIGO-POJ-0998")
    assert result.gaps
    assert result.data["meta"]["name"].startswith("indigo_poj_")


def test_broken_record_through_the_cli(tmp_path, monkeypatch, dataset):
    """A data file holding a broken record: the CLI writes a scenario, not a traceback."""
    path = tmp_path / "broken.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"metadata": dataset.metadata, "projects": [BROKEN]}, fh)
    monkeypatch.setattr(indigo_dataset, "DATA_FILE", path)
    out = tmp_path / "broken.toml"
    result = runner.invoke(app, ["import-indigo", "999", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "gap(s)" in result.output
    assert load_scenario(out).meta.name == "indigo_poj_0999"
    unreadable = tmp_path / "garbage.json.gz"
    unreadable.write_bytes(b"not gzip")
    monkeypatch.setattr(indigo_dataset, "DATA_FILE", unreadable)
    refused = runner.invoke(app, ["import-indigo", "999", "--out", str(tmp_path / "no.toml")])
    assert refused.exit_code == 2 and "cannot read the INDIGO data file" in refused.output
    assert not (tmp_path / "no.toml").exists()


# ------------------------------------------------------------------------- parsers
def test_parsers_accept_indigo_spellings_and_refuse_the_rest():
    assert parse_number("2,250,000") == 2_250_000 and parse_number("0.15") == 0.15
    assert parse_number(7) == 7.0
    for bad in ("C$", "-5", "1,2,3", "", "nan", True, None, [1]):
        with pytest.raises(ValueError):
            parse_number(bad)
    assert parse_month("2018") == (2018, 1, False)
    assert parse_month("2018", end=True) == (2018, 12, False)
    assert parse_month("2019-01-01") == (2019, 1, True)
    for bad in ("2018-13", "soon", "1850-01", 2018):
        with pytest.raises(ValueError):
            parse_month(bad)
    assert parse_rate("0.15") == 0.15 and parse_rate("3% to 5%") == 0.05
    assert parse_rate("3.5") == 0.035
    assert parse_rate("Maximum 12.5% p.a. return. 3% p.a. for first 2 years") == 0.125
    for bad in ("a lot", "0", "250%", True):
        with pytest.raises(ValueError):
            parse_rate(bad)
    assert normalize_currency("Russian Ruble") == "RUB" and normalize_currency(" gbp ") == "GBP"
    assert normalize_currency("Martian dollars") is None and normalize_currency(3) is None
    assert normalize_id("poj-35") == normalize_id("35") == "INDIGO-POJ-0035"
    assert normalize_id("peterborough") is None


def test_import_project_api(dataset):
    result = import_project("153", dataset)
    assert result.project_id == "INDIGO-POJ-0153"
    text = result.toml()
    assert text.startswith("# HMP Peterborough")
    assert "Government Outcomes Lab, University of Oxford" in text
    assert tomllib.loads(text)["meta"]["name"] == "indigo_poj_0153"


def test_model_and_agents_never_import_the_importers():
    from tests.test_architecture import imported_roots

    for package in ("model", "agents"):
        for path in (ROOT / package).rglob("*.py"):
            assert "importers" not in imported_roots(path), path
