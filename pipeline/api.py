"""The researchers' API: published tables as DataFrames.

    import pipeline
    figures = pipeline.load("figures", output="build/sample")
    tables = pipeline.load_all(output="build/sample")   # every table, all from one snapshot

The output folder's `current` link is resolved once per call, so every table of one call comes
from the same snapshot even while a refresh switches in a new one. Nothing here writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from pipeline import store

DEFAULT_OUTPUT = "build/sample"


def output_folder(output: str | Path | None = None) -> Path:
    """The folder given, else $XUNCHA_OUT, else build/sample."""
    return Path(output or os.environ.get("XUNCHA_OUT") or DEFAULT_OUTPUT)


def snapshot(output: str | Path | None = None) -> Path:
    """The snapshot folder the output's `current` link points at now."""
    folder = output_folder(output)
    current = store.current_snapshot(store.Layout(folder))
    if current is None:
        raise FileNotFoundError(f"{folder} has no published snapshot: run `python -m pipeline refresh` first")
    return current


def tables(output: str | Path | None = None) -> list[str]:
    """Names of the tables published in the current snapshot."""
    return sorted(p.stem for p in snapshot(output).glob("*.parquet"))


def load(name: str, output: str | Path | None = None, *, at: Path | None = None) -> pd.DataFrame:
    """One published table (documents, passages, indicators, figures, panel, reports, mentions,
    tokens, ingest_errors, runs) as a DataFrame. `at` pins a snapshot folder from `snapshot()`."""
    folder = at or snapshot(output)
    path = folder / f"{name}.parquet"
    if not path.exists():
        raise KeyError(
            f"no table {name!r} in {folder}; tables: {', '.join(sorted(p.stem for p in folder.glob('*.parquet')))}"
        )
    return pd.read_parquet(path)


def load_all(output: str | Path | None = None, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Several tables from one snapshot (all published tables by default)."""
    folder = snapshot(output)
    wanted = names or sorted(p.stem for p in folder.glob("*.parquet"))
    return {n: load(n, at=folder) for n in wanted}
