"""Importers: turn outside data sets into CIS Lab scenarios.

They are data tools, not the model: they may read the shipped derived files in `data/` and
produce scenario data that `model.scenarios` validates; `model/` and `agents/` never import them.
"""
