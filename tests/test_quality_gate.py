"""The CI quality gate: scores against the committed gold may not fall below pinned floors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.evaluate import main as evaluate

from .conftest import SHARED_EVAL

BASELINE = PROJECT_ROOT / "tests" / "eval_baseline.json"


@pytest.mark.parametrize(
    "gold",
    [
        PROJECT_ROOT / "corpora" / "sample",
        PROJECT_ROOT / "corpora" / "holdout",
        PROJECT_ROOT / "corpora" / "unseen",
        PROJECT_ROOT / "corpora" / "unseen2",
        PROJECT_ROOT / "corpora" / "unseen3",
        PROJECT_ROOT / "corpora" / "unseen4",
        PROJECT_ROOT / "corpora" / "unseen5",
        SHARED_EVAL,
    ],
    ids=["sample", "holdout", "unseen", "unseen2", "unseen3", "unseen4", "unseen5", "shared-eval"],
)
def test_quality_gate_holds_floors(gold: Path, tmp_path: Path, theme_model_dir: Path) -> None:
    if not gold.exists():
        pytest.skip(f"{gold} is not beside this checkout")
    args = argparse.Namespace(gold=[str(gold)], work=str(tmp_path), gate=str(BASELINE), update_gate=False, json=None)
    assert evaluate(args) == 0
