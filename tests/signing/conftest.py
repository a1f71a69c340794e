"""Fixtures for result documents: the output folder where rendered pages are kept for a human to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def output_dir() -> Path:
    """var/test-output/signing (MOTCUA_VAR_DIR): rendered PDFs and PNG pages stay there after the run."""
    folder = Path(settings.VAR_DIR) / "test-output" / "signing"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
