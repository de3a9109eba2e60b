"""Shared fixtures: the sample corpus run once through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import MODELS_DIR, PROJECT_ROOT

SAMPLE_RAW = PROJECT_ROOT / "corpora" / "sample" / "raw"
SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def theme_model_dir() -> Path:
    """The shipped theme model; trained here if `make train` has not run yet."""
    folder = MODELS_DIR / "themes" / "v1"
    if not (folder / "meta.json").exists():
        from pipeline.train import main as train

        train(folder)
    return folder


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory, theme_model_dir: Path) -> Path:
    """Output folder of `python -m pipeline run` on the sample corpus."""
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("sample_run")
    assert (
        main(["run", "--input", str(SAMPLE_RAW), "--output", str(out), "--theme-model-dir", str(theme_model_dir)]) == 0
    )
    return out
