"""The one module that reads and writes files: stage tables, published tables, the database.

Every write goes to a temporary file in the target folder and is renamed into place, so a
crash or a bad batch never leaves a half-written table where readers look.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_parquet(table: pd.DataFrame, target: Path) -> None:
    with atomic_path(target) as tmp:
        table.to_parquet(tmp, index=False)


def read_parquet(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the stage that makes it first")
    return pd.read_parquet(path)


def write_csv(table: pd.DataFrame, target: Path) -> None:
    """CSV that Excel opens with Chinese intact: UTF-8 with a byte-order mark."""
    flat = table.copy()
    for col in flat.columns:
        if flat[col].map(lambda v: isinstance(v, list | tuple)).any():
            flat[col] = flat[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v)
        elif flat[col].map(lambda v: isinstance(v, dict)).any():
            flat[col] = flat[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v)
    with atomic_path(target) as tmp:
        flat.to_csv(tmp, index=False, encoding="utf-8-sig")


def write_duckdb(tables: dict[str, pd.DataFrame], target: Path) -> None:
    """Build the whole database in a temporary file, then swap it in."""
    import duckdb

    with atomic_path(target) as tmp:
        tmp.unlink()  # duckdb refuses to open an empty file that is not a database
        con = duckdb.connect(str(tmp))
        try:
            for name, table in tables.items():
                con.register("incoming", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
                con.unregister("incoming")
        finally:
            con.close()


def write_figure(draw: Callable[[Path], None], target: Path) -> None:
    with atomic_path(target) as tmp:
        draw(tmp)


@dataclass(frozen=True)
class Layout:
    """Where each stage's tables live under an output folder."""

    root: Path

    @property
    def interim(self) -> Path:
        return self.root / "interim"

    def stage(self, name: str) -> Path:
        return self.interim / f"{name}.parquet"

    def published(self, name: str) -> Path:
        return self.root / f"{name}.parquet"

    @property
    def database(self) -> Path:
        return self.root / "xuncha.duckdb"

    @property
    def csv_dir(self) -> Path:
        return self.root / "csv"

    @property
    def charts_dir(self) -> Path:
        return self.root / "charts"
