"""The Billing module: cycles, bill runs with progress, the exceptions queue, bill detail."""
