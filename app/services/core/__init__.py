"""What every area of the services uses: the unit of work (work), context and actors, auth,
audit, settings, numbering, usage events, the changes a use case reports and serialisation."""
