"""The Disconnections module: requests landing, the create flow and the request detail."""
