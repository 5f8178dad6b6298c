"""Experiments for researchers and policymakers: sweeps, replications, comparisons, sensitivity.

A front end on the simulation core (`model/` never imports it). One job per module:

- `spec`: experiment files (TOML, validated with pydantic) and their one-line errors;
- `design`: design points — full-factorial grids and Latin hypercubes;
- `plan`: every (point, seed) run of a sweep, with the hashes that guard resuming;
- `worker`: what a worker process runs; `executors`: inline, process pool, Dask;
- `storage`: the crash-safe journal + Parquet dataset; `manifest`: what ran, with what, when;
- `runner`: the sweep loop; `stats`: medians and 90% bands; `figures`: matplotlib figures;
- `compare`: designs side by side; `sensitivity`: SALib Morris and Sobol indices;
- `ema`: the optional EMA workbench adapter (`cislab[ema]`).

Heavy packages are imported by the modules that need them, never here.
"""
