"""Experiments for researchers: sweeps, replications, comparisons, sensitivity."""
