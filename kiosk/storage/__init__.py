"""Persistence without Qt: the request store and exports (built with the request form)."""
