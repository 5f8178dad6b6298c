"""The scenario's text and assembly: sources for every path, titles and descriptions.

Why apart: what the import decided is only useful if a reader can check it. This module fills
every lever the record does not describe with the schema default and says so in `[sources]`,
and writes the English and French title and description: where the data come from (with GO
Lab's attribution), the contract in a few figures, and the gaps filled with assumptions.
"""

from __future__ import annotations

import re
from typing import Any

from .draft import Draft, assume
from .parse import shorten
from .tables import EVALUATION_EN, EVALUATION_FR


def assemble(d: Draft) -> dict[str, Any]:
    """Schema defaults for every field, the values planned above, a source for each path."""
    from cislab.model.scenarios import known_paths
    from cislab.model.schema import Meta, Scenario

    name = d.pid.lower().replace("-", "_")
    # unset levers (None: e.g. contract.price_rule, read from price_tiers) stay unset: TOML
    # has no null
    data = Scenario(meta=Meta(name=name)).model_dump(mode="json", exclude_none=True)
    for path, value in d.values.items():
        section, key = path.split(".")
        data[section][key] = value
    for path in known_paths():
        if path not in d.sources and not path.startswith("meta."):
            d.sources[path] = assume(
                "CIS Lab's default (model/schema.py), because INDIGO records do not describe "
                "this lever"
            )
    title_en, title_fr = titles(d)
    data["meta"] = {
        "name": name,
        "title": {"en": title_en, "fr": title_fr},
        "description": {"en": description(d, "en"), "fr": description(d, "fr")},
        "currency": d.currency,
        "start_year": int(d.start[0]),
    }
    data["sources"] = dict(sorted(d.sources.items()))
    return data


def titles(d: Draft) -> tuple[str, str]:
    """English and French titles: the record's name (not translated) and the countries."""
    title = shorten(d.title, 80)
    title_fr = (
        f"Projet INDIGO {d.pid}"
        if d.r.text("name") == "" and not d.r.text("alternative_names")
        else title
    )
    return (
        f"{title} ({d.countries_text('en')}, INDIGO)",
        f"{title_fr} ({d.countries_text('fr')}, INDIGO)",
    )


def description(d: Draft, lang: str) -> str:
    """The import in one paragraph: source and attribution, contract figures, gaps."""
    prof, gaps = d.profile, d.r.gaps
    start = f"{d.start[0]}-{d.start[1]:02d}"
    capital, max_payment = d.money(d.capital_sim, lang), d.money(d.max_payment_sim, lang)
    price = d.money(d.price, lang)
    users = f"{d.users_total:,.0f}".replace(",", "\u202f" if lang == "fr" else ",")
    definitions = [m.get("definition") for m in d.metrics if isinstance(m.get("definition"), str)]
    shown = "; ".join(f"'{shorten(text, 70)}'" for text in definitions[:2])
    if lang == "en":
        more = f" and {len(definitions) - 2} more" if len(definitions) > 2 else ""
        parts = [
            f"Imported from {d.pid}, Government Outcomes Lab, University of Oxford —",
            "INDIGO Impact Bond Dataset (open data).",
            f"{prof.en}, {d.countries_text('en')}; service from {start} for",
            f"{d.duration} months. Capital {capital}; maximum outcome payment",
            f"{max_payment}; {users} users.",
            f"Outcome metrics in the record: {shown}{more}." if definitions else "",
            f"Evaluation: {EVALUATION_EN[d.method]}.",
            "Modelled as one composite outcome per person (sector default: adverse =",
            f"{prof.adverse_en}), paid {price} per outcome.",
            *d.notes_en,
            "Gaps, filled with stated assumptions (see [sources]): "
            + "; ".join(g.en for g in gaps)
            + "."
            if gaps
            else "No gaps in the fields the importer maps.",
        ]
    else:
        more = f" et {len(definitions) - 2} autres" if len(definitions) > 2 else ""
        parts = [
            f"Importé de {d.pid}, Government Outcomes Lab, Université d'Oxford —",
            "INDIGO Impact Bond Dataset (données ouvertes).",
            f"{prof.fr}, {d.countries_text('fr')} ; service à partir de {start}",
            f"pendant {d.duration} mois. Capital {capital} ; paiement maximal des",
            f"résultats {max_payment} ; {users} bénéficiaires.",
            f"Indicateurs de la fiche (en anglais) : {shown}{more}." if definitions else "",
            f"Évaluation : {EVALUATION_FR[d.method]}.",
            "Modélisé comme un résultat composite par personne (défaut du secteur :",
            f"défavorable = {prof.adverse_fr}), payé {price} par résultat.",
            *d.notes_fr,
            "Lacunes, comblées par des hypothèses explicites (voir [sources]) : "
            + " ; ".join(g.fr for g in gaps)
            + "."
            if gaps
            else "Aucune lacune dans les champs repris.",
        ]
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
