"""motcua: one-stop administrative procedures for a Vietnamese province."""

__version__ = "0.1.0"
