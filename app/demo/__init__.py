"""The demo utility generator."""
