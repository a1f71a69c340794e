"""The transactional outbox: the table of external effects and its writer (``services.enqueue``).

Low in the layering (docs/architecture.md): any domain app may write the outbox; the delivery adapters that
read it live above the dossiers, in ``motcua.integrations``.
"""
