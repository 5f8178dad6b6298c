"""Figures the command line writes beside a run's tables (front-end side: the model draws
nothing). Built on matplotlib's object API, not pyplot, so no global figure state or GUI backend
is involved and a figure is just bytes to hand to the run writer."""

from __future__ import annotations

import warnings
from io import BytesIO

import pandas as pd
from matplotlib.figure import Figure

from cislab.lang import tr


def adoption_png(
    timeseries: pd.DataFrame, start_year: int, contract_months: int, title: str
) -> bytes:
    """The adoption curve: territories funding the programme from their budget and territories
    reached (left axis), people covered (right axis), by calendar year; the dotted line marks
    the end of the first contract."""
    years = start_year + timeseries["month"].to_numpy() / 12.0
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.subplots()
    ax.step(
        years,
        timeseries["territories_adopted"],
        where="post",
        color="tab:green",
        label=tr("adoption.funding"),
    )
    ax.step(
        years,
        timeseries["territories_reached"],
        where="post",
        color="tab:blue",
        label=tr("adoption.reached"),
    )
    ax.axvline(start_year + contract_months / 12.0, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel(tr("adoption.year"))
    ax.set_ylabel(tr("adoption.territories"))
    ax.set_ylim(bottom=0)
    people = ax.twinx()
    people.plot(
        years,
        timeseries["people_covered"] / 1000.0,
        color="tab:orange",
        linestyle="--",
        label=tr("adoption.people"),
    )
    people.set_ylabel(tr("adoption.people_axis"))
    people.set_ylim(bottom=0)
    lines = ax.get_legend_handles_labels()
    more = people.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize="small")
    ax.set_title(plain_title(title), fontsize="medium")
    buffer = BytesIO()
    with warnings.catch_warnings():  # a character the font lacks is drawn as a box, not a crash
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        fig.savefig(buffer, format="png", dpi=110, facecolor="white")
    return buffer.getvalue()


def plain_title(title: str) -> str:
    """A title from a scenario file, as plain text: no mathtext (`$…$`), no control characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in title)
    return printable.replace("$", r"\$")
