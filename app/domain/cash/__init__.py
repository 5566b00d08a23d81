"""The cash drawer: denominations, counted totals, change-making, session close rules."""
