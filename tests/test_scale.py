"""Scale-out: the Dask executor publishes exactly the tables of the local one.

A real two-worker `LocalCluster` (separate processes) runs the per-document stages; when
XUNCHA_DASK_SCHEDULER names a running scheduler (`.ci/run` starts one with two `dask worker`
processes on 127.0.0.1), the same comparison runs against it too. No part of Dask is mocked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from tests.conftest import SAMPLE_RAW

# Columns of the `runs` table that differ between any two runs (ids and clocks).
RUN_CLOCKS = ["run_id", "started", "ended"]


def published_tables(out: Path) -> dict[str, pd.DataFrame]:
    tables = {p.stem: pd.read_parquet(p) for p in sorted((out / "current").glob("*.parquet"))}
    if "runs" in tables:
        tables["runs"] = tables["runs"].drop(columns=RUN_CLOCKS)
    return tables


def assert_same_tables(a: Path, b: Path) -> None:
    left, right = published_tables(a), published_tables(b)
    assert sorted(left) == sorted(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True, obj=name)


def run(out: Path, model: Path, *extra: str) -> int:
    return main(["refresh", "--input", str(SAMPLE_RAW), "--output", str(out), "--theme-model-dir", str(model), *extra])


@pytest.fixture(scope="module")
def local_out(tmp_path_factory: pytest.TempPathFactory, theme_model_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("local")
    assert run(out, theme_model_dir, "--workers", "1") == 0
    return out


@pytest.mark.slow
def test_scale_dask_local_cluster_publishes_the_local_tables(
    local_out: Path, tmp_path: Path, theme_model_dir: Path
) -> None:
    out = tmp_path / "dask"
    assert run(out, theme_model_dir, "--executor", "dask", "--workers", "2") == 0
    assert_same_tables(local_out, out)
    # Every document went through Dask and is recorded as done: a second run has nothing to do.
    assert run(out, theme_model_dir, "--executor", "dask", "--workers", "2") == 0
    assert len(list((out / "snapshots").iterdir())) == 1


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("XUNCHA_DASK_SCHEDULER"), reason="XUNCHA_DASK_SCHEDULER is not set")
def test_scale_dask_scheduler_address_publishes_the_local_tables(
    local_out: Path, tmp_path: Path, theme_model_dir: Path
) -> None:
    out = tmp_path / "dask-scheduler"
    address = os.environ["XUNCHA_DASK_SCHEDULER"]
    assert run(out, theme_model_dir, "--executor", "dask", "--scheduler", address) == 0
    assert_same_tables(local_out, out)


def test_scale_local_pool_publishes_the_one_process_tables(
    local_out: Path, tmp_path: Path, theme_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.runner

    monkeypatch.setattr(pipeline.runner, "MIN_DOCUMENTS_FOR_POOL", 1)  # the sample is smaller than a pool's floor
    out = tmp_path / "pool"
    assert run(out, theme_model_dir, "--workers", "2") == 0
    assert_same_tables(local_out, out)


def test_scale_scheduler_without_dask_executor_is_refused(tmp_path: Path, theme_model_dir: Path) -> None:
    assert run(tmp_path / "out", theme_model_dir, "--scheduler", "tcp://127.0.0.1:1") == 2


def test_scale_chunks_cover_every_document_and_keep_both_workers_busy() -> None:
    from pipeline.runner import MAX_CHUNK_SIZE, chunk_size

    assert chunk_size(14, 2) == 2  # the sample corpus: 7 tasks over 2 workers
    assert chunk_size(10_000, 2) == MAX_CHUNK_SIZE
    assert chunk_size(1, 2) == 1
