"""The CI quality gate: scores against the committed gold may not fall below pinned floors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.evaluate import main as evaluate

from .conftest import SHARED_EVAL

BASELINE = PROJECT_ROOT / "tests" / "eval_baseline.json"


# Every corpus with a gold/ folder (as `make evaluate` finds them), and ../shared/eval.
GOLD_SETS = [*sorted(p.parent for p in (PROJECT_ROOT / "corpora").glob("*/gold")), SHARED_EVAL]


@pytest.mark.parametrize("gold", GOLD_SETS, ids=[g.name for g in GOLD_SETS])
def test_quality_gate_holds_floors(gold: Path, tmp_path: Path, theme_model_dir: Path) -> None:
    if not gold.exists():
        pytest.skip(f"{gold} is not beside this checkout")
    args = argparse.Namespace(gold=[str(gold)], work=str(tmp_path), gate=str(BASELINE), update_gate=False, json=None)
    assert evaluate(args) == 0
