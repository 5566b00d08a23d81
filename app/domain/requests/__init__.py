"""Disconnection and reconnection requests: statuses and the moves between them."""
