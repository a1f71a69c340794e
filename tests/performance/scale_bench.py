"""bench/scale.py, imported for its tests (bench/ is not a package: it is loaded from its path)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def scale_module() -> ModuleType:
    if "bench_scale" in sys.modules:
        return sys.modules["bench_scale"]
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module
    spec.loader.exec_module(module)
    return module
