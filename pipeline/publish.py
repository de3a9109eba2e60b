"""Publish: the tables analysts query, built into one snapshot and switched in whole.

A snapshot is built from the previous one: rows of documents whose stage records did not change
are taken over, the rest are read from the per-document store, so one added report costs about
the same whatever the corpus size. `state.json` in each snapshot records what it was built from;
a run whose manifest matches it publishes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import store
from pipeline.segment import PASSAGE_COLUMNS as SEGMENT_PASSAGE_COLUMNS

log = logging.getLogger("pipeline")

DOCUMENT_COLUMNS = [
    "doc_id",
    "source",
    "sources",
    "source_url",
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
INGEST_ERROR_COLUMNS = ["source", "doc_id", "format", "n_bytes", "error"]


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
    "tokens": Contract(("doc_id", "passage_id", "sentence_id", "token_id"), ("token", "raw_start")),
    "ingest_errors": Contract(("source",), ("source", "error")),
    "mentions": Contract(
        ("doc_id", "raw_start", "raw_end", "kind"), ("doc_id", "mention", "kind", "raw_start", "raw_end")
    ),
}
# Tables built per document (taken over from the previous snapshot when the document is unchanged).
DOCUMENT_LEVEL = ("documents", "passages", "indicators", "tokens", "mentions")
PUBLISHED = (*DOCUMENT_LEVEL, "ingest_errors", "runs")
CSV_TABLES = ("documents", "passages", "indicators", "ingest_errors", "runs")


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


def stage_failures(record: dict[str, Any]) -> list[str]:
    return [
        f"{name}_failed: {st['error']}"
        for name, st in record.get("stages", {}).items()
        if st.get("status") == "failed" and not str(st.get("error", "")).startswith("skipped")
    ]


def document_rows(layout: store.Layout, doc_ids: list[str], records: dict[str, Any]) -> pd.DataFrame:
    """One row per readable document: normalized metadata, encoding, level/region, the stage
    failures in `flags`."""
    normalized = store.concat_document_tables(layout, "normalized", doc_ids)
    raw = store.concat_document_tables(layout, "raw_documents", doc_ids)
    places = store.concat_document_tables(layout, "places", doc_ids)
    if raw.empty:
        return pd.DataFrame(columns=DOCUMENT_COLUMNS)
    table = raw[["doc_id", "format", "encoding"]]
    if not normalized.empty:
        table = table.merge(normalized.drop(columns=["format", "source"]), on="doc_id", how="left")
        table["n_chars"] = table["text"].str.len().astype("Int64")
    if not places.empty:
        table = table.merge(places, on="doc_id", how="left")
    table = table.reindex(columns=DOCUMENT_COLUMNS)
    table["script"] = table["script"].fillna("unknown")
    table["quality"] = table["quality"].fillna(0.0)
    table["flags"] = [
        [*(list(f) if isinstance(f, list | tuple) or hasattr(f, "tolist") else []), *stage_failures(records[d])]
        for d, f in zip(table.doc_id, table["flags"], strict=True)
    ]
    return table


def _fresh_rows(layout: store.Layout, name: str, doc_ids: list[str], records: dict[str, Any]) -> pd.DataFrame:
    if name == "documents":
        return document_rows(layout, doc_ids, records)
    source_table = "passages_themes" if name == "passages" else name
    table = store.concat_document_tables(layout, source_table, doc_ids)
    return table.reindex(columns=PASSAGE_COLUMNS) if name == "passages" and not table.empty else table


def fingerprint(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record.get("stages", {}), sort_keys=True).encode()).hexdigest()[:16]


def ingest_error_rows(manifest: dict[str, Any]) -> pd.DataFrame:
    from pipeline.ingest import file_format

    rows = [{**e, "format": file_format(str(e["source"]))} for e in manifest.get("file_errors", [])]
    for doc_id, record in manifest["documents"].items():
        ingest = record.get("stages", {}).get("ingest", {})
        if ingest.get("status") == "failed":
            rows += [
                {"source": s, "doc_id": doc_id, "format": file_format(s), "n_bytes": None, "error": ingest["error"]}
                for s in record["sources"]
            ]
    table = pd.DataFrame(rows, columns=INGEST_ERROR_COLUMNS)
    table["n_bytes"] = table["n_bytes"].astype("Int64")
    return table.sort_values("source", kind="stable").reset_index(drop=True)


def fetched_url(record: dict[str, Any]) -> str | None:
    """The address the document was fetched from: its primary source's, else any copy's."""
    urls: dict[str, str] = record.get("urls", {})
    return urls.get(record["sources"][0]) or next(iter(urls.values()), None)


def readable(record: dict[str, Any]) -> bool:
    return record.get("stages", {}).get("ingest", {}).get("status") == "ok"


def build_tables(
    layout: store.Layout, manifest: dict[str, Any], previous: Path | None, previous_state: dict[str, Any]
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The document-level tables of the new snapshot, and the documents read afresh."""
    records = manifest["documents"]
    doc_ids = sorted(d for d, r in records.items() if readable(r))
    old = previous_state.get("documents", {})
    keep = {d for d in doc_ids if d in old and old[d]["fp"] == fingerprint(records[d])} if previous else set()
    fresh = [d for d in doc_ids if d not in keep]
    primary = {d: records[d]["sources"][0] for d in doc_ids}
    url = {d: fetched_url(records[d]) for d in doc_ids}
    tables: dict[str, pd.DataFrame] = {}
    for name in DOCUMENT_LEVEL:
        parts = []
        if keep and previous is not None:
            before = store.read_snapshot_table(previous, name)
            if not before.empty:
                parts.append(before[before.doc_id.isin(keep)])
        new = _fresh_rows(layout, name, fresh, records)
        if not new.empty:
            parts.append(new)
        parts = [p for p in parts if not p.empty]
        table = pd.concat(parts, ignore_index=True) if parts else _fresh_rows(layout, name, [], records)
        if not table.empty:
            table = table.sort_values("doc_id", kind="stable").reset_index(drop=True)
            table["source"] = table.doc_id.map(primary)
            if name in ("documents", "indicators"):
                table["source_url"] = table.doc_id.map(url)
        if name == "documents":
            table["sources"] = [records[d]["sources"] for d in table.doc_id] if len(table) else []
        tables[name] = table
    return tables, fresh


# --- what changed since the previous snapshot ----------------------------------------------------


def _lineage(manifest: dict[str, Any], previous_state: dict[str, Any]) -> dict[str, str]:
    """doc_id -> the id its figures are compared under: its own when it was published before,
    else the previous document that had one of its sources (a changed report), else its own."""
    old_docs = previous_state.get("documents", {})
    old_by_source = {s: d for d, r in old_docs.items() for s in r["sources"]}
    out = {}
    for doc_id, record in manifest["documents"].items():
        if doc_id in old_docs:
            out[doc_id] = doc_id
        else:
            out[doc_id] = next((old_by_source[s] for s in record["sources"] if s in old_by_source), doc_id)
    return out


def document_changes(manifest: dict[str, Any], previous_state: dict[str, Any]) -> pd.DataFrame:
    old_docs = previous_state.get("documents", {})
    lineage = _lineage(manifest, previous_state)
    rows = []
    replaced = {lineage[d] for d in manifest["documents"] if lineage[d] != d}
    for doc_id, record in sorted(manifest["documents"].items()):
        sources = ";".join(record["sources"])
        failures = stage_failures(record) + (
            [record["stages"]["ingest"]["error"]] if not readable(record) and "ingest" in record["stages"] else []
        )
        if not readable(record):
            pass  # listed below as failed, and in ingest_errors
        elif doc_id not in old_docs:
            change = "changed" if lineage[doc_id] != doc_id else "added"
            rows.append({"change": change, "doc_id": doc_id, "sources": sources, "detail": ""})
        elif old_docs[doc_id]["sources"] != record["sources"]:
            before = ";".join(old_docs[doc_id]["sources"])
            rows.append({"change": "renamed", "doc_id": doc_id, "sources": sources, "detail": f"was {before}"})
        if failures and (doc_id not in old_docs or old_docs[doc_id]["fp"] != fingerprint(record)):
            rows.append({"change": "failed", "doc_id": doc_id, "sources": sources, "detail": "; ".join(failures)})
    for doc_id in sorted(set(old_docs) - set(manifest["documents"]) - replaced):
        rows.append(
            {"change": "retracted", "doc_id": doc_id, "sources": ";".join(old_docs[doc_id]["sources"]), "detail": ""}
        )
    return pd.DataFrame(rows, columns=["change", "doc_id", "sources", "detail"])


FIGURE_FIELDS = ["value", "masked", "qualifier", "modality"]


def _keyed_figures(indicators: pd.DataFrame, lineage: dict[str, str] | None) -> pd.DataFrame:
    if indicators.empty:
        return pd.DataFrame(columns=["lineage", "indicator", "nth", "doc_id", "source", "evidence", *FIGURE_FIELDS])
    table = indicators.sort_values(["doc_id", "raw_start", "raw_end", "indicator"], kind="stable").copy()
    table["lineage"] = table.doc_id.map(lineage) if lineage is not None else table.doc_id
    table["nth"] = table.groupby(["lineage", "indicator"]).cumcount()
    return table[["lineage", "indicator", "nth", "doc_id", "source", "evidence", *FIGURE_FIELDS]]


def figure_changes(before: pd.DataFrame, after: pd.DataFrame, lineage: dict[str, str]) -> pd.DataFrame:
    """Figures new, changed and withdrawn: the n-th figure of a type in a report (or its previous
    version) is compared with the n-th of the same type before."""
    old, new = _keyed_figures(before, None), _keyed_figures(after, lineage)
    key = ["lineage", "indicator", "nth"]
    both = old.merge(new, on=key, how="outer", suffixes=("_before", ""), indicator=True)
    change = pd.Series("", index=both.index)
    change[both._merge == "right_only"] = "new"
    change[both._merge == "left_only"] = "withdrawn"
    same = both._merge == "both"
    differs = pd.Series(False, index=both.index)
    for col in FIGURE_FIELDS:
        a, b = both[f"{col}_before"], both[col]
        differs |= ~((a == b) | (a.isna() & b.isna()))
    change[same & differs] = "changed"
    both["change"] = change
    out = both[both.change != ""].copy()
    for col in ("doc_id", "source", "evidence"):
        out[col] = out[col].fillna(out[f"{col}_before"])
    columns = ["change", "doc_id", "source", "indicator", "value_before", "value", "modality", "evidence"]
    return out.reindex(columns=columns).sort_values(["change", "source", "indicator"]).reset_index(drop=True)


def change_report_markdown(run_id: str, docs: pd.DataFrame, figures: pd.DataFrame, errors: pd.DataFrame) -> str:
    counts = docs.change.value_counts()
    fig_counts = figures.change.value_counts()
    lines = [
        f"# What changed in run {run_id}",
        "",
        "| documents | added | changed | renamed | retracted | failed | files skipped |",
        "|---|---|---|---|---|---|---|",
        "| | "
        + " | ".join(str(int(counts.get(k, 0))) for k in ("added", "changed", "renamed", "retracted", "failed"))
        + f" | {len(errors)} |",
        "",
        "| figures | new | changed | withdrawn |",
        "|---|---|---|---|",
        "| | " + " | ".join(str(int(fig_counts.get(k, 0))) for k in ("new", "changed", "withdrawn")) + " |",
        "",
    ]
    if len(docs):
        lines += ["## Documents", "", "| change | source | detail |", "|---|---|---|"]
        lines += [f"| {r.change} | {r.sources} | {r.detail} |" for r in docs.itertuples()]
        lines.append("")
    if len(figures):
        lines += [
            "## Figures",
            "",
            "| change | source | indicator | before | now | evidence |",
            "|---|---|---|---|---|---|",
        ]
        for r in figures.itertuples():
            evidence = str(r.evidence).replace("|", "｜")[:80] if isinstance(r.evidence, str) else ""
            lines.append(
                f"| {r.change} | {r.source} | {r.indicator} | {_fmt(r.value_before)} | {_fmt(r.value)} | {evidence} |"
            )
        lines.append("")
    if len(errors):
        lines += ["## Files skipped", "", "| source | reason |", "|---|---|"]
        lines += [f"| {r.source} | {r.error} |" for r in errors.itertuples()]
        lines.append("")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{float(value):g}" if isinstance(value, int | float) else str(value)


# --- the snapshot ---------------------------------------------------------------------------------


@dataclass
class PublishResult:
    run_id: str
    exit_code: int
    summary: str
    counts: dict[str, int]
    snapshot: Path | None


def publish(
    layout: store.Layout,
    *,
    run_id: str,
    started: float,
    manifest: dict[str, Any],
    processed: int,
    publish_version: str,
    do_publish: bool,
) -> PublishResult:
    """Write the snapshot of this run (when anything changed) and record the run."""
    snapshot = store.current_snapshot(layout)
    state_path = snapshot / "state.json" if snapshot else None
    previous_state: dict[str, Any] = (
        json.loads(state_path.read_text(encoding="utf-8")) if state_path and state_path.exists() else {}
    )
    # A new publisher builds every row anew; otherwise unchanged documents' rows are taken over.
    snapshot_for_rows = snapshot if previous_state.get("publish_version") == publish_version else None
    records = manifest["documents"]
    state = {
        "publish_version": publish_version,
        "documents": {d: {"sources": r["sources"], "fp": fingerprint(r)} for d, r in records.items()},
        "file_errors": manifest.get("file_errors", []),
    }
    errors = ingest_error_rows(manifest)
    docs_changed = document_changes(manifest, previous_state)
    failed_docs = sum(1 for r in records.values() if readable(r) and stage_failures(r))
    counts = {
        "files": sum(len(r["sources"]) for r in records.values()) + len(manifest.get("file_errors", [])),
        "documents": sum(1 for r in records.values() if readable(r)),
        "processed": processed,
        "retracted": int((docs_changed.change == "retracted").sum()),
        "added": int((docs_changed.change == "added").sum()),
        "changed": int((docs_changed.change == "changed").sum()),
        "renamed": int((docs_changed.change == "renamed").sum()),
        "failed": failed_docs,
        "skipped_files": len(errors),
    }
    exit_code = 1 if failed_docs or len(errors) else 0
    needs_publish = do_publish and (snapshot is None or state != {k: previous_state.get(k) for k in state})
    run_row: dict[str, object] = {
        "run_id": run_id,
        "started": pd.Timestamp(started, unit="s", tz="UTC"),
        **counts,
        "figures_new": 0,
        "figures_changed": 0,
        "figures_withdrawn": 0,
        "published": needs_publish,
        "exit_code": exit_code,
    }
    new_snapshot = None
    if needs_publish:
        tables, fresh = build_tables(layout, manifest, snapshot_for_rows, previous_state)
        before = store.read_snapshot_table(snapshot, "indicators") if snapshot else pd.DataFrame()
        figures = figure_changes(before, tables["indicators"], _lineage(manifest, previous_state))
        fig_counts = figures.change.value_counts()
        for k in ("new", "changed", "withdrawn"):
            run_row[f"figures_{k}"] = int(fig_counts.get(k, 0))
        run_row["ended"] = pd.Timestamp.now(tz="UTC")
        tables["ingest_errors"] = errors
        tables["runs"] = pd.concat([store.read_runs(layout), pd.DataFrame([run_row])], ignore_index=True)
        for name, table in tables.items():
            if name in CONTRACTS:
                check_contract(name, table)  # nothing is switched in unless every table holds its contract
        building = store.new_snapshot_dir(layout, run_id)
        for name, table in tables.items():
            store.write_parquet(table, building / f"{name}.parquet")
            if name in CSV_TABLES:
                store.write_csv(table, building / "csv" / f"{name}.csv")
        store.write_duckdb(tables, building / "xuncha.duckdb")
        store.write_figure(
            lambda p: draw_indicator_chart(tables["indicators"], p), building / "charts" / "indicators.png"
        )
        store.write_text(change_report_markdown(run_id, docs_changed, figures, errors), building / "changes.md")
        changes = pd.concat([docs_changed.assign(kind="document"), figures.assign(kind="figure")], ignore_index=True)
        store.write_csv(changes, building / "changes.csv")
        store.write_json(state, building / "state.json")
        new_snapshot = store.switch_snapshot(layout, building, PUBLISHED)
        store.append_run(layout, run_row)
        store.clean_leftovers(layout)
        log.info("publish: %d documents read afresh, snapshot %s", len(fresh), new_snapshot.name)
    else:
        run_row["ended"] = pd.Timestamp.now(tz="UTC")
        store.append_run(layout, run_row)
    summary = (
        f"refresh {run_id}: {counts['documents']} documents ({counts['added']} added, {counts['changed']} changed, "
        f"{counts['renamed']} renamed, {counts['retracted']} retracted, {counts['processed']} processed), "
        f"{counts['failed']} failed, {counts['skipped_files']} files skipped; figures "
        f"+{run_row['figures_new']} ~{run_row['figures_changed']} -{run_row['figures_withdrawn']}; "
        + (
            f"published {new_snapshot.name}"
            if new_snapshot
            else "nothing to publish"
            if do_publish
            else "not published"
        )
        + f"; {time.time() - started:.1f}s; exit {exit_code}"
    )
    return PublishResult(run_id, exit_code, summary, counts, new_snapshot)


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
