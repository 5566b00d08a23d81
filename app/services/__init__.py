"""Use cases, one package per area (mirroring app/views and app/domain); one transaction each.

core/      what every area uses: unit of work, context, auth, audit, settings, numbering, usage
payments/  posting and voiding, reading back, credit notes, payment plans, reconciliation, receipts
cash/      the counter: cash sessions, takings, X/Z reports, printers
tariffs/   tariffs and plans: versions, records, import/export, comparison, overview
registry.py  every service the screens may call, built once per running app
"""
