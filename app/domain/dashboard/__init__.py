"""Figures over time: trends (with the good/bad direction of each metric) and ageing buckets."""
