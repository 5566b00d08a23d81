"""Pure business rules: no Qt, no database, no network, no I/O."""
