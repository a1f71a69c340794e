"""Legacy import: an old one-stop system's export (``format``), a synthetic one (``generate``), its checked,
batched, resumable import (``importer``) and the reconciliation of what was imported (``reconcile``)."""
