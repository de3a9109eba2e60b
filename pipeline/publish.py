"""Publish: the tables analysts query, with their grain checked before they are swapped in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.segment import PASSAGE_COLUMNS as SEGMENT_PASSAGE_COLUMNS

DOCUMENT_COLUMNS = [
    "doc_id",
    "source",
    "title",
    "published",
    "script",
    "quality",
    "flags",
    "outlet",
    "author",
    "format",
    "encoding",
    "level",
    "region",
    "n_chars",
]
PASSAGE_COLUMNS = [*SEGMENT_PASSAGE_COLUMNS[:-2], "themes", "theme_scores"]  # without norm offsets


@dataclass(frozen=True)
class Contract:
    """dbt-style: the grain (what makes a row unique) and the columns that may not be null."""

    grain: tuple[str, ...]
    not_null: tuple[str, ...]


CONTRACTS = {
    "documents": Contract(("doc_id",), ("doc_id", "source", "script", "quality")),
    "passages": Contract(("doc_id", "passage_id"), ("doc_id", "passage_id", "text", "raw_start", "raw_end")),
    "indicators": Contract(
        ("doc_id", "raw_start", "raw_end", "indicator"),
        ("doc_id", "indicator", "masked", "qualifier", "modality", "raw_start", "raw_end", "evidence"),
    ),
    "tokens": Contract(("doc_id", "raw_start", "raw_end", "passage_id", "sentence_id"), ("token", "raw_start")),
    "ingest_errors": Contract(("source",), ("source", "error")),
    "mentions": Contract(
        ("doc_id", "raw_start", "raw_end", "kind"), ("doc_id", "mention", "kind", "raw_start", "raw_end")
    ),
}


class ContractViolation(ValueError):
    pass


def check_contract(name: str, table: pd.DataFrame) -> None:
    contract = CONTRACTS[name]
    missing = [c for c in contract.grain + contract.not_null if c not in table.columns]
    if missing:
        raise ContractViolation(f"{name}: missing columns {missing}")
    nulls = [c for c in contract.not_null if table[c].isna().any()]
    if nulls:
        raise ContractViolation(f"{name}: nulls in {nulls}")
    dupes = table.duplicated(list(contract.grain)).sum()
    if dupes:
        raise ContractViolation(f"{name}: {dupes} rows repeat the grain {contract.grain}")


def document_table(raw: pd.DataFrame, normalized: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    enc = raw[["doc_id", "encoding"]]
    table = normalized.merge(enc, on="doc_id", how="left").merge(places, on="doc_id", how="left")
    table["n_chars"] = table["text"].str.len()
    return table.reindex(columns=DOCUMENT_COLUMNS)


def ingest_errors(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.loc[raw.error.notna(), ["source", "format", "n_bytes", "error"]].reset_index(drop=True)


def draw_indicator_chart(indicators: pd.DataFrame, target: Path) -> None:
    """Bar chart: how many figures of each type each document reports."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = (
        indicators.groupby(["indicator", "modality"]).size().unstack(fill_value=0)
        if len(indicators)
        else pd.DataFrame({"achieved": []})
    )
    fig, ax = plt.subplots(figsize=(9, 5))
    if len(counts):
        counts.sort_index().plot.barh(ax=ax, stacked=True)
    ax.set_xlabel("figures extracted")
    ax.set_title("Indicator figures by type and modality")
    fig.tight_layout()
    fig.savefig(target, format="png", dpi=110)
    plt.close(fig)
