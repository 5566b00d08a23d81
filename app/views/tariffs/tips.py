"""Contextual tips and benefit highlights per rate type, shown beside the tariff form."""

from __future__ import annotations

from app.domain.tariffs.validation import RateType

TIPS = {
    RateType.FLAT: "One unit rate applies to all consumption. Enter the rate per unit with up to "
                   "6 decimal places, e.g. 0.120000.",
    RateType.SLAB: "The first slab starts from 0. Each next slab starts right after the previous "
                   "'To' (101 after 100). Leave 'To' empty on the highest slab for No limit.",
    RateType.SEASONAL: "Seasons must cover the whole year without overlap, e.g. Winter 11-01 to "
                       "03-31 and Regular 04-01 to 10-31. The discount is computed against the "
                       "dearest season.",
    RateType.TIME_OF_USE: "Time periods must cover all 24 hours without overlap. Write hours as "
                          "16-20, or 6-16, 20-22 for two ranges; 22-6 runs past midnight.",
    RateType.FIXED: "The bill is the tariff's fixed charges, whatever the consumption: add at least "
                    "one fixed charge on the next step.",
}

BENEFITS = {
    RateType.FLAT: "Simple to explain: every unit costs the same, so the bill grows in a straight "
                   "line with consumption. Best for small residential supplies.",
    RateType.SLAB: "Low users pay the cheapest rate on their first units; heavy users pay more "
                   "for the units above each slab. Encourages conservation and protects "
                   "lifeline consumption.",
    RateType.SEASONAL: "Cheaper units in low-demand seasons: customers see their seasonal "
                       "discount, and the utility prices its costs by season.",
    RateType.TIME_OF_USE: "Customers who move use out of peak hours pay less; the utility flattens "
                          "its peak demand. Needs a multi-register meter.",
    RateType.FIXED: "A predictable bill every period, regardless of usage: suits supplies where "
                    "metering is not practical.",
}

CHOOSE = "Choose a rate type to see tips for configuring it."
