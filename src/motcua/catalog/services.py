"""Writes to the catalog (placeholder until the catalog issue lands)."""
