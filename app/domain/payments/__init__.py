"""Payment rules (rules), credit notes, installments of payment plans, bank reconciliation."""
