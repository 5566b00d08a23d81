"""Pure business rules: no Qt, no database, no network, no I/O. One package per area:

core/       money, clock, errors, numbering, permissions, the settings registry and catalogue
payments/   payment rules, credit notes, installments (payment plans), reconciliation
cash/       the drawer: denominations, change-making, cash session rules
tariffs/    the tariff model, its validation, rating, tariff documents, plans
requests/   disconnection and reconnection requests
dashboard/  trends and ageing
"""
