"""Reorganization without disruption: dated plans (dry-run, what-if forecast, apply), legacy import,
backup and restore."""
