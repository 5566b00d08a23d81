"""What every area of the domain uses: money, clock, errors, numbering, permissions, settings."""
