"""Tariffs: the model, validation and rate checks, rating and its lines, tariff documents, plans."""
