"""Models of the reorganization app (the plans' models join this module at integration)."""

from motcua.reorg.legacy_models import *  # noqa: F403
