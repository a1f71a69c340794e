"""Once-only data: the registries motcua reads (population, business, land, civil status), the citizen's
consent to a lookup, and the audit of every lookup (docs/registries.md)."""
