"""UtilityDesk: service-centre desktop for an electricity, water and gas utility."""
