"""Delivery adapters and callback endpoints that act on dossiers (national-portal intake and sync, payment and
post callbacks): above ``motcua.dossiers`` in the layering (docs/architecture.md). Empty today.

The outbox table they read and its writer are low, in ``motcua.outbox``: dossiers write the outbox, the
adapters here deliver it.
"""
