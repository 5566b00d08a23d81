"""Billing rules: meter reads, estimates, bill composition, late payment, exceptions, GL."""
