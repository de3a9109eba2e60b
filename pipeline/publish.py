"""Publish: the tables analysts query, built into one snapshot and switched in whole.

A snapshot is built from the previous one: rows of documents whose stage records did not change
are taken over, the rest are read from the per-document store, so one added report costs about
the same whatever the corpus size. `state.json` in each snapshot records what it was built from;
a run whose manifest matches it publishes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import store
from pipeline.contracts import TABLES, ContractViolation, check_contract
from pipeline.frames import isin
from pipeline.names import INDICATOR_NAMES, LEVEL_NAMES, theme_names
from pipeline.report_html import charts as draw_charts
from pipeline.report_html import render as render_report
from pipeline.reports import NearDuplicates
from pipeline.segment import PASSAGE_COLUMNS as SEGMENT_PASSAGE_COLUMNS

__all__ = ["ContractViolation", "check_contract", "publish"]

log = logging.getLogger("pipeline")

DOCUMENT_COLUMNS = [
    "doc_id",
    "source",
    "sources",
    "source_url",
    "title",
    "published",
    "published_text",
    "script",
    "quality",
    "flags",
    "outlet",
    "author",
    "format",
    "encoding",
    "level",
    "level_name",
    "region",
    "province",
    "city",
    "county",
    "n_chars",
]
# What documents takes from the normalized table (not its text and per-character offsets).
NORMALIZED_METADATA = ("title", "published", "outlet", "author", "script", "quality", "flags")
PASSAGE_COLUMNS = [*SEGMENT_PASSAGE_COLUMNS[:-2], "themes", "theme_names", "theme_scores"]  # without norm offsets
INGEST_ERROR_COLUMNS = ["source", "doc_id", "format", "n_bytes", "error"]


# Tables built per document (taken over from the previous snapshot when the document is unchanged).
DOCUMENT_LEVEL = ("documents", "passages", "indicators", "tokens", "mentions")
# Tables over the whole corpus, recomputed at every publish.
CORPUS_LEVEL = ("reports", "figures", "panel")
PUBLISHED = (*DOCUMENT_LEVEL, *CORPUS_LEVEL, "ingest_errors", "runs")
CSV_TABLES = ("documents", "passages", "indicators", "mentions", *CORPUS_LEVEL, "ingest_errors", "runs")
# The workbook holds what an analyst opens in Excel: the distinct figures with their evidence, the
# panel, the reports and documents. Every mention of a figure (`indicators`) and the text-level
# tables (passages, mentions, tokens) are in csv/ and Parquet: the indicators sheet, 170,000 rows at
# 10,000 bench reports, took most of the workbook's 6 s in a one-report refresh.
WORKBOOK_TABLES = ("reports", "figures", "panel", "documents", "ingest_errors", "runs")
# Threads writing a snapshot's files (Parquet, CSV, DuckDB, the workbook) beside the one drawing the
# report: two, one per core of the machine the bench runs on.
WRITER_THREADS = 2


def stage_failures(record: dict[str, Any]) -> list[str]:
    return [
        f"{name}_failed: {st['error']}"
        for name, st in record.get("stages", {}).items()
        if st.get("status") == "failed" and not str(st.get("error", "")).startswith("skipped")
    ]


def document_rows(layout: store.Layout, doc_ids: list[str], records: dict[str, Any]) -> pd.DataFrame:
    """One row per readable document: normalized metadata, encoding, level/region, the stage
    failures in `flags`."""
    # Only the metadata columns are read: the texts and per-character offsets of 10,000 bench
    # reports took 1.3 GB of memory here. The text's length is taken before it is dropped.
    metadata = ["doc_id", *NORMALIZED_METADATA, "text"]
    normalized_arrow = store.concat_document_arrow(layout, "normalized", doc_ids, metadata)
    raw = store.concat_document_tables(layout, "raw_documents", doc_ids, ["doc_id", "format", "encoding"])
    places = store.concat_document_tables(layout, "places", doc_ids)
    if raw.empty:
        return pd.DataFrame(columns=DOCUMENT_COLUMNS)
    table = raw
    if normalized_arrow is not None:
        n_chars = pc.utf8_length(normalized_arrow["text"])
        normalized = normalized_arrow.drop_columns(["text"]).append_column("n_chars", n_chars).to_pandas()
        table = table.merge(normalized, on="doc_id", how="left")
        table["n_chars"] = table["n_chars"].astype("Int64")
    if not places.empty:
        table = table.merge(places, on="doc_id", how="left")
    from pipeline.reports import published_dates, region_columns

    # Documents that failed normalize or segment have no metadata or places: their columns stay empty.
    table = table.reindex(columns=[*table.columns, *(c for c in ("published", "region", "level") if c not in table)])
    table["published_text"] = table["published"]
    table["published"] = published_dates(table["published_text"])
    regions = [region_columns(r, lv) for r, lv in zip(table.get("region"), table.get("level"), strict=True)]
    table["province"], table["city"], table["county"] = ([r[i] for r in regions] for i in range(3))
    table = table.reindex(columns=DOCUMENT_COLUMNS)
    table["level_name"] = table["level"].map(LEVEL_NAMES)
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
    if table.empty:
        return table if len(table.columns) else empty_table(name)
    if name == "passages":
        table["theme_names"] = table["themes"].map(theme_names)
        return table.reindex(columns=PASSAGE_COLUMNS)
    if name == "indicators":
        # A document whose resolve stage failed (flagged in documents.flags) keeps its figures,
        # marked unresolved, rather than holding back the whole snapshot.
        from pipeline.figures import RESOLVED_COLUMNS

        table = table.reindex(columns=[*table.columns, *(c for c in RESOLVED_COLUMNS if c not in table.columns)])
        unresolved = table["role"].isna()
        table.loc[unresolved, ["role", "role_rule", "year_rule"]] = ["total", "unresolved", "unresolved"]
        for col in ("parent", "year_start", "year_end"):
            table[col] = table[col].astype("Int64")
        at = list(table.columns).index("indicator") + 1
        table.insert(at, "indicator_name", table["indicator"].map(lambda k: INDICATOR_NAMES.get(str(k), str(k))))
    return table


def empty_table(name: str) -> pd.DataFrame:
    """A table without rows but with its contract's columns (a corpus without a single figure
    still publishes an `indicators` table; the database refuses one without columns)."""
    return pd.DataFrame(columns=[c.name for c in TABLES[name].columns])


def unchanged_rows(manifest: dict[str, Any], previous_state: dict[str, Any], fresh: list[str]) -> set[str]:
    """Documents whose published rows are as in the previous snapshot: not read afresh, same
    sources and address (a rename changes the `source` column of every row)."""
    old = previous_state.get("documents", {})
    records = manifest["documents"]
    return {
        d
        for d, r in records.items()
        if readable(r) and d in old and old[d]["sources"] == r["sources"] and old[d].get("url") == fetched_url(r)
    } - set(fresh)


def fingerprint(record: dict[str, Any]) -> str:
    """A digest of the document's stage records (orjson: json.dumps took 0.3 s per publish at 10,000 reports)."""
    return hashlib.sha256(orjson.dumps(record.get("stages", {}), option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def unchanged_parts(old: dict[str, Any], records: dict[str, Any], unchanged: set[str]) -> set[str]:
    """The parts whose rows are the previous snapshot's: the same documents, each readable one with
    unchanged rows (`unchanged_rows`), each unreadable one as it was."""
    members: dict[str, tuple[set[str], set[str]]] = {}
    for d in old:
        members.setdefault(part_key(d), (set(), set()))[0].add(d)
    for d in records:
        members.setdefault(part_key(d), (set(), set()))[1].add(d)
    return {
        key
        for key, (before, now) in members.items()
        if before == now
        and all(d in unchanged if readable(records[d]) else old[d]["fp"] == fingerprint(records[d]) for d in now)
    }


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
    layout: store.Layout,
    manifest: dict[str, Any],
    previous: Callable[[str], pd.DataFrame] | None,
    previous_state: dict[str, Any],
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The document-level tables of the new snapshot, and the documents read afresh; `previous`
    gives a table of the snapshot whose rows are taken over, by name."""
    records = manifest["documents"]
    doc_ids = sorted(d for d, r in records.items() if readable(r))
    old = previous_state.get("documents", {})
    keep = {d for d in doc_ids if d in old and old[d]["fp"] == fingerprint(records[d])} if previous else set()
    fresh = [d for d in doc_ids if d not in keep]
    primary = {d: records[d]["sources"][0] for d in doc_ids}
    url = {d: fetched_url(records[d]) for d in doc_ids}
    tables: dict[str, pd.DataFrame] = {}
    for name in DOCUMENT_LEVEL:
        if name in PARTED_TABLES:
            continue
        parts = []
        if keep and previous is not None:
            before = previous(name)
            if not before.empty:
                parts.append(before[isin(before.doc_id, keep)])
        new = _fresh_rows(layout, name, fresh, records)
        if not new.empty:
            parts.append(new)
        parts = [p for p in parts if not p.empty]
        table = pd.concat(parts, ignore_index=True) if parts else _fresh_rows(layout, name, [], records)
        if not table.empty:
            # Rows ordered by the rank of their doc_id, not by comparing the strings: sorting the
            # 1.6 million tokens of 2,000 reports by doc_id took 1.9 s of a one-report refresh.
            codes, doc_order = pd.factorize(table.doc_id, sort=True)
            order = np.argsort(codes, kind="stable")
            table = table.take(order).reset_index(drop=True)
            codes = codes[order]
            table["source"] = np.array([primary[d] for d in doc_order], dtype=object)[codes]
            if name in ("documents", "indicators"):
                table["source_url"] = np.array([url[d] for d in doc_order], dtype=object)[codes]
        if name == "documents":
            table["sources"] = [records[d]["sources"] for d in table.doc_id] if len(table) else []
        tables[name] = table
    return tables, fresh


# Written as a folder of Parquet parts, one per first hex digit of doc_id (`part-0` .. `part-f`):
# doc ids are hex digests, so a part holds about a sixteenth of the documents and the parts in name
# order are the table in doc_id order. A refresh rewrites the parts holding a document that changed
# and hard-links the others from the previous snapshot; the table's CSV is the parts' CSV rows one
# after the other, an unchanged part's bytes copied from the previous CSV. No step holds a whole
# table: at 10,000 reports these are 8 million token rows, 300,000 passages with their text and
# 600,000 mentions, and as whole tables they were most of publish's memory and of a one-report
# refresh's time (25 s there).
PARTED_TABLES = ("passages", "tokens", "mentions")


def part_key(doc_id: str) -> str:
    return doc_id[:1]


def _part_rows(layout: store.Layout, name: str, doc_ids: list[str], records: dict[str, Any]) -> pa.Table | None:
    """The documents' rows of a parted table, read from their per-document files; tokens stay in
    Arrow (hundreds of rows per report), the others take the pandas steps of `_fresh_rows`."""
    if name == "tokens":
        table = store.concat_document_arrow(layout, name, doc_ids)
    else:
        rows = _fresh_rows(layout, name, doc_ids, records) if doc_ids else pd.DataFrame()
        table = store.to_arrow(rows) if len(rows) else None
    return table.replace_schema_metadata(None) if table is not None else None


def write_parted_table(
    layout: store.Layout,
    name: str,
    manifest: dict[str, Any],
    fresh: list[str],
    previous: Path | None,
    same_part: Callable[[str], bool],
    target: Path,
) -> store.PartedTable:
    """Write a document-level table part by part under `target`. A part whose rows are as in
    `previous` (the previous snapshot, when its rows may be taken over; `same_part` tells) is linked
    from there; another is its previous rows of kept documents and the fresh documents' rows, in
    doc_id order. The fresh rows are checked against the contract (kept rows held it when published)."""
    records = manifest["documents"]
    by_part: dict[str, list[str]] = {}
    for d in sorted(d for d, r in records.items() if readable(r)):
        by_part.setdefault(part_key(d), []).append(d)
    fresh_ids = set(fresh)
    old_folder = previous / f"{name}.parquet" if previous is not None else None
    target.mkdir(parents=True)
    changed: list[Path] = []
    for key, ids in sorted(by_part.items()):
        path = target / f"part-{key}.parquet"
        old_part = old_folder / path.name if old_folder is not None else None
        if old_part is None or not old_part.is_file():
            old_part = None  # no previous part (or a snapshot from before parts): every row afresh
        elif same_part(key):
            store.link_or_copy(old_part, path)
            continue
        kept = {d for d in ids if d not in fresh_ids} if old_part is not None else set()
        new_ids = [d for d in ids if d not in kept]
        new = _part_rows(layout, name, new_ids, records)
        if new is not None:
            check_contract(name, _with_source(new, records).to_pandas())
        before = _in_doc_order(store.read_arrow(old_part).replace_schema_metadata(None)) if kept and old_part else None
        pieces = _spliced(before, new, ids, set(new_ids)) if before is not None else [new] if new is not None else []
        pieces = [p for p in pieces if p.num_rows]
        if pieces:
            # `source` set for every row: a kept document's primary source may have changed (renamed)
            table = _with_source(pa.concat_tables(pieces, promote_options="permissive"), records)
            store.write_parquet(table, path)
            changed.append(path)
    if not any(target.iterdir()):
        # no rows at all: one empty part keeps the table's columns
        store.write_parquet(store.to_arrow(empty_table(name)), target / "part-0.parquet")
        changed.append(target / "part-0.parquet")
    return store.same_schema_parts(target, changed)


def _runs(table: pa.Table) -> dict[str, tuple[int, int]]:
    """doc_id -> (first row, row after the last) of its rows, for a table whose rows come in runs
    by document in doc_id order; a table that does not (not written by this module) is refused."""
    runs = pc.run_end_encode(table["doc_id"].combine_chunks())
    ids, ends = runs.values.to_pylist(), np.asarray(runs.run_ends).tolist()
    if any(a >= b for a, b in pairwise(ids)):
        raise ValueError("rows not in runs by doc_id")
    return dict(zip(ids, zip([0, *ends[:-1]], ends, strict=True), strict=True))


def _in_doc_order(table: pa.Table) -> pa.Table:
    try:
        _runs(table)
        return table
    except ValueError:
        return table.take(pc.sort_indices(table, [("doc_id", "ascending")]))


def _with_source(table: pa.Table, records: dict[str, Any]) -> pa.Table:
    """`source` (the primary source of the row's document) set from the manifest, the rows in runs
    by document: the source array of the runs repeated over their lengths."""
    runs = _runs(table)
    lengths = [b - a for a, b in runs.values()]
    sources = pa.array([records[d]["sources"][0] for d in runs], pa.large_string())
    column = sources.take(pa.array(np.repeat(np.arange(len(runs)), lengths)))
    if "source" in table.column_names:  # in its place among the columns
        return table.set_column(table.column_names.index("source"), "source", column)
    return table.append_column("source", column)


def _spliced(before: pa.Table, new: pa.Table | None, doc_ids: list[str], fresh: set[str]) -> list[pa.Table]:
    """The previous table's runs of kept documents and the fresh documents' rows, in doc_id order,
    as slices: a one-report refresh at 2,000 reports copied 1.6 million token rows twice (filter,
    then sort), where this cuts the previous table in at most three pieces."""
    old = _runs(before)
    fresh_rows = {d: new.slice(a, b - a) for d, (a, b) in _runs(new).items()} if new is not None else {}
    pieces: list[pa.Table] = []
    span: tuple[int, int] | None = None  # consecutive kept rows not yet cut out
    for d in doc_ids:
        if d not in fresh and d in old:
            a, b = old[d]
            if span is not None and span[1] == a:
                span = (span[0], b)
                continue
            if span is not None:
                pieces.append(before.slice(span[0], span[1] - span[0]))
            span = (a, b)
        elif d in fresh_rows:
            if span is not None:
                pieces.append(before.slice(span[0], span[1] - span[0]))
                span = None
            pieces.append(fresh_rows[d])
    if span is not None:
        pieces.append(before.slice(span[0], span[1] - span[0]))
    return pieces


def report_passages(passages: store.PartedTable, figures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """What the report reads of the passages: the text of the documents whose figures its evidence
    view shows (not the whole corpus's text), the theme shares, and how many there are."""
    from pipeline.report_html import evidence_documents, theme_shares

    kinds_and_themes = passages.dataset().to_table(columns=["kind", "themes"])
    text = passages.read(["doc_id", "passage_id", "text"], evidence_documents(figures))
    return text, theme_shares(kinds_and_themes), kinds_and_themes.num_rows


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


def figure_changes(
    before: pd.DataFrame, after: pd.DataFrame, lineage: dict[str, str], unchanged: set[str] | None = None
) -> pd.DataFrame:
    """Figures new, changed and withdrawn: the n-th figure of a type in a report (or its previous
    version) is compared with the n-th of the same type before. `unchanged` documents' rows are as
    before: they are left out unless another document now counts as their version (comparing all
    170,000 rows took 0.4 s of a one-report refresh at 10,000 reports)."""
    if unchanged:
        skip = unchanged - {lineage.get(d, d) for d in set(after.doc_id.unique()) - unchanged}
        before, after = before[~isin(before.doc_id, skip)], after[~isin(after.doc_id, skip)]
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


# Rows listed per section of changes.md (and the report that shows it); changes.csv has them all. A
# first build of the 10,000 bench reports listed 170,000 new figures: 37 MB of Markdown, unreadable.
MAX_CHANGE_ROWS = 1000


def _more_rows(n: int) -> list[str]:
    return [f"… and {n - MAX_CHANGE_ROWS:,} more in changes.csv", ""] if n > MAX_CHANGE_ROWS else []


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
        lines += [f"| {r.change} | {r.sources} | {r.detail} |" for r in docs.head(MAX_CHANGE_ROWS).itertuples()]
        lines += ["", *_more_rows(len(docs))]
    if len(figures):
        lines += [
            "## Figures",
            "",
            "| change | source | indicator | before | now | evidence |",
            "|---|---|---|---|---|---|",
        ]
        for r in figures.head(MAX_CHANGE_ROWS).itertuples():
            evidence = str(r.evidence).replace("|", "｜")[:80] if isinstance(r.evidence, str) else ""
            lines.append(
                f"| {r.change} | {r.source} | {r.indicator} | {_fmt(r.value_before)} | {_fmt(r.value)} | {evidence} |"
            )
        lines += ["", *_more_rows(len(figures))]
    if len(errors):
        lines += ["## Files skipped", "", "| source | reason |", "|---|---|"]
        lines += [f"| {r.source} | {r.error} |" for r in errors.itertuples()]
        lines.append("")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{float(value):g}" if isinstance(value, int | float) else str(value)


# --- corpus-level tables and the files analysts open --------------------------------------------

# The usual questions, as views in xuncha.duckdb.
DUCKDB_VIEWS = {
    "figures_by_region_year_type": """
        SELECT province, city, county, year, indicator, indicator_name, value, aggregate, n_figures, n_reports
        FROM panel ORDER BY province, city, county, year, indicator""",
    "theme_shares_by_document": """
        WITH body AS (SELECT doc_id, themes FROM passages WHERE kind = 'body'),
             n AS (SELECT doc_id, count(*) AS n_passages FROM body GROUP BY doc_id),
             t AS (SELECT doc_id, unnest(themes) AS theme FROM body)
        SELECT d.doc_id, d.title, year(d.published) AS year, t.theme, count(*) AS passages, n.n_passages,
               count(*) / n.n_passages AS share
        FROM t JOIN n USING (doc_id) JOIN documents d USING (doc_id)
        GROUP BY d.doc_id, d.title, year(d.published), t.theme, n.n_passages ORDER BY d.doc_id, t.theme""",
    "theme_shares_by_year": """
        WITH body AS (SELECT p.doc_id, p.themes, year(d.published) AS year FROM passages p
                      JOIN documents d USING (doc_id) WHERE p.kind = 'body'),
             n AS (SELECT year, count(*) AS n_passages FROM body GROUP BY year),
             t AS (SELECT year, unnest(themes) AS theme FROM body)
        SELECT t.year, t.theme, count(*) AS passages, n.n_passages, count(*) / n.n_passages AS share
        FROM t JOIN n ON t.year IS NOT DISTINCT FROM n.year
        GROUP BY t.year, t.theme, n.n_passages ORDER BY t.year, t.theme""",
    "figure_evidence": """
        SELECT f.figure_id, f.indicator, f.indicator_name, f.value, f.qualifier, f.modality, f.role, f.year,
               f.province, f.city, f.county, f.evidence, p.text AS passage, f.source, f.source_url, f.sources,
               f.conflict, d.title, d.published
        FROM figures f
        JOIN indicators i ON i.doc_id = f.doc_id AND i.raw_start = f.raw_start AND i.raw_end = f.raw_end
             AND i.indicator = f.indicator
        LEFT JOIN passages p ON p.doc_id = i.doc_id AND p.passage_id = i.passage_id
        JOIN documents d ON d.doc_id = f.doc_id""",
}


# Each snapshot keeps what near-duplicate grouping needs next time (sampled shingles, confirmed
# pairs, groups) in this folder; it is not a published table.
NEAR_DUPLICATES = "near_duplicates"
NEAR_DUPLICATE_PARTS = ("samples", "edges", "groups")


def read_near_duplicates(snapshot: Path | None) -> NearDuplicates | None:
    """The previous snapshot's grouping state, or None (no snapshot, or one from before it was kept)."""
    folder = snapshot / NEAR_DUPLICATES if snapshot else None
    if folder is None or not folder.is_dir():
        return None
    try:
        return NearDuplicates(*(store.read_parquet(folder / f"{part}.parquet") for part in NEAR_DUPLICATE_PARTS))
    except (OSError, ValueError) as exc:
        log.warning("publish: near-duplicate state of %s unreadable (%s); grouping every document", snapshot, exc)
        return None


def corpus_tables(
    layout: store.Layout,
    tables: dict[str, pd.DataFrame],
    fresh: list[str],
    previous: NearDuplicates | None,
    unchanged: set[str] | None = None,
    previous_table: Callable[[str], pd.DataFrame] | None = None,
) -> tuple[dict[str, pd.DataFrame], NearDuplicates]:
    """reports, figures and panel over the whole corpus. Only the fresh documents are looked up for
    near-duplicates when the previous snapshot's grouping state is given; with `previous_table`
    too, a report whose documents and rows are all `unchanged` keeps its reports and figures rows
    (figures over 170,000 indicator rows took 1 s of a one-report refresh at 10,000 bench reports)."""
    from pipeline.reports import (
        FIGURE_ORDER,
        figures_table,
        group_reports,
        panel_table,
        reports_table,
        shingle_hashes,
    )

    def shingles_of(doc_ids: list[str]) -> dict[str, np.ndarray]:
        # A chunk of texts at a time, each dropped once shingled, not all 18.7 million characters of
        # the 10,000 bench reports beside their shingles (the full build's grouping: +290 -> +260 MB).
        shingles = {}
        for chunk in store.document_arrow_chunks(layout, "normalized", doc_ids, ["doc_id", "text"]):
            for doc_id, text in zip(chunk["doc_id"].to_pylist(), chunk["text"].to_pylist(), strict=True):
                shingles[doc_id] = shingle_hashes(str(text or ""))
        # (a document without a normalized text, one that failed normalize, has no shingles)
        return {d: shingles[d] if d in shingles else shingle_hashes("") for d in doc_ids}

    documents = tables["documents"]
    near = group_reports(
        documents.doc_id.tolist(), shingles_of, fresh=set(fresh) if previous else None, previous=previous
    )
    steady = (
        steady_reports(previous.groups, near.groups, unchanged) if previous and previous_table and unchanged else set()
    )
    redo = near.groups[~isin(near.groups.report_id, steady)]
    redo_docs = documents[isin(documents.doc_id, redo.doc_id)]
    indicators = tables["indicators"]
    corpus = {
        "reports": reports_table(redo_docs, redo),
        "figures": figures_table(indicators[isin(indicators.doc_id, redo.doc_id)], redo_docs, redo),
    }
    if steady and previous_table:
        for name, sort in (("reports", ["report_id"]), ("figures", FIGURE_ORDER)):
            kept = previous_table(name)
            kept = kept[isin(kept.report_id, steady)]
            corpus[name] = (
                pd.concat([t for t in (kept, corpus[name]) if len(t)], ignore_index=True)
                .sort_values(sort, kind="stable")
                .reset_index(drop=True)
            )
    corpus["panel"] = panel_table(corpus["figures"])
    return corpus, near


def steady_reports(before: pd.DataFrame, after: pd.DataFrame, unchanged: set[str]) -> set[str]:
    """Reports with the same documents as in the previous grouping, each of them unchanged."""
    if before.empty or after.empty:
        return set()
    same = after.doc_id.map(dict(zip(before.doc_id, before.report_id, strict=True))).eq(after.report_id)
    same &= isin(after.doc_id, unchanged)
    all_same = same.groupby(after.report_id).all()
    sizes_before, sizes_after = before.report_id.value_counts(), after.report_id.value_counts()
    return {r for r in all_same.index[all_same] if sizes_before.get(r) == sizes_after[r]}


# A worksheet holds 1,048,576 rows, the header included; longer tables are in the CSV and Parquet files.
EXCEL_MAX_ROWS = 1_048_576


def write_workbook(tables: dict[str, pd.DataFrame], target: Path) -> None:
    """One .xlsx: a sheet per table and a data-dictionary sheet (lists as JSON, times without zone),
    header row frozen. Written by rustpy-xlsxwriter (rust_xlsxwriter under a thin binding, columns
    handed over through Arrow): the pure-Python xlsxwriter took 12.2 s for the 2,000-report bench
    output, this 1.2 s, the same cells read back."""
    from rustpy_xlsxwriter import FastExcel

    from pipeline.contracts import data_dictionary

    with store.atomic_path(target) as tmp:
        book = FastExcel(str(tmp)).freeze(row=1)
        for name, table in {"data_dictionary": data_dictionary(), **tables}.items():
            if len(table) >= EXCEL_MAX_ROWS:
                kept = EXCEL_MAX_ROWS - 1
                log.warning("workbook: %s has %d rows; the sheet keeps the first %d", name, len(table), kept)
            book = book.sheet(name[:31], excel_ready(table.head(EXCEL_MAX_ROWS - 1)))
        book.save()


def excel_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Cells Excel can hold: lists as JSON text, times in UTC without a zone."""
    flat = store.json_cells(table)
    for col in flat.columns:
        if isinstance(flat[col].dtype, pd.DatetimeTZDtype):
            flat[col] = flat[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return flat


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
    previous_state: dict[str, Any] = store.read_json(state_path) if state_path and state_path.exists() else {}
    # A new publisher builds every row anew; otherwise unchanged documents' rows are taken over.
    snapshot_for_rows = snapshot if previous_state.get("publish_version") == publish_version else None
    records = manifest["documents"]
    state = {
        "publish_version": publish_version,
        "documents": {
            d: {"sources": r["sources"], "url": fetched_url(r), "fp": fingerprint(r)} for d, r in records.items()
        },
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
        # Snapshots older than the current one go while this one is built (once it is switched in,
        # the current one stays as the previous): removing one took 0.3 s at 10,000 reports.
        pruning = ThreadPoolExecutor(max_workers=1)
        pruned = pruning.submit(store.remove_old_snapshots, layout, 1, snapshot)
        # The previous snapshot's tables, each read once: its indicators serve both the rows taken
        # over and the figures compared.
        previous_table = cache(partial(store.read_snapshot_table, snapshot)) if snapshot else None
        tables, fresh = build_tables(layout, manifest, previous_table if snapshot_for_rows else None, previous_state)
        before = previous_table("indicators") if previous_table else pd.DataFrame()
        unchanged = unchanged_rows(manifest, previous_state, fresh)
        figures = figure_changes(before, tables["indicators"], _lineage(manifest, previous_state), unchanged)
        fig_counts = figures.change.value_counts()
        for k in ("new", "changed", "withdrawn"):
            run_row[f"figures_{k}"] = int(fig_counts.get(k, 0))
        run_row["ended"] = pd.Timestamp.now(tz="UTC")
        tables["ingest_errors"] = errors
        tables["runs"] = pd.concat([store.read_runs(layout), pd.DataFrame([run_row])], ignore_index=True)
        corpus, near = corpus_tables(
            layout,
            tables,
            fresh,
            read_near_duplicates(snapshot_for_rows),
            unchanged,
            previous_table if snapshot_for_rows else None,
        )
        tables.update(corpus)
        # Nothing is switched in unless every table holds its contract. Rows taken over from the
        # previous snapshot held it then (a new publisher rebuilds every row), so a document-level
        # table is checked on its fresh documents' rows.
        fresh_ids = set(fresh)
        for name, table in tables.items():
            checked = table[isin(table.doc_id, fresh_ids)] if name in DOCUMENT_LEVEL and len(table) else table
            check_contract(name, checked)
        building = store.new_snapshot_dir(layout, run_id)
        same_part = unchanged_parts(previous_state.get("documents", {}), records, unchanged).__contains__
        parted = {
            name: write_parted_table(
                layout, name, manifest, fresh, snapshot_for_rows, same_part, building / f"{name}.parquet"
            )
            for name in PARTED_TABLES
        }
        # Converted to Arrow once for the Parquet, CSV and DuckDB writers (each converted the pandas
        # tables on its own before). The files are independent and their writers (Arrow, DuckDB,
        # rust_xlsxwriter) mostly run outside the GIL: written side by side while this thread draws
        # the charts and the report.
        as_arrow = {name: store.to_arrow(table) for name, table in tables.items()}
        writes: list[Callable[[], None]] = [
            partial(
                store.write_duckdb,
                {**as_arrow, **parted},
                building / "xuncha.duckdb",
                views=DUCKDB_VIEWS,
                previous=snapshot / "xuncha.duckdb" if snapshot and snapshot_for_rows else None,
                unchanged=unchanged,
                document_tables=DOCUMENT_LEVEL,
            ),
            partial(write_workbook, {n: tables[n] for n in WORKBOOK_TABLES}, building / "xuncha.xlsx"),
        ]
        for name, table in as_arrow.items():
            writes.append(partial(store.write_parquet, table, building / f"{name}.parquet"))
            if name in CSV_TABLES:
                writes.append(partial(store.write_csv, table, building / "csv" / f"{name}.csv"))
        with ThreadPoolExecutor(max_workers=WRITER_THREADS) as pool:
            written = [pool.submit(write) for write in writes]
            parted_csv = {
                name: pool.submit(
                    store.write_parted_csv,
                    parted[name],
                    building / "csv" / f"{name}.csv",
                    snapshot / "csv" / f"{name}.csv" if snapshot and snapshot_for_rows else None,
                    previous_state.get("csv_parts", {}).get(name, {}),
                )
                for name in PARTED_TABLES
                if name in CSV_TABLES
            }
            shown_text, shares, passage_count = report_passages(parted["passages"], tables["figures"])
            shown = {**tables, "passages": shown_text, "theme_shares": shares}
            charts = draw_charts(shown)
            for chart_name, svg in charts.items():
                store.write_text(svg, building / "charts" / f"{chart_name}.svg")
            changes_md = change_report_markdown(run_id, docs_changed, figures, errors)
            report = render_report(shown, charts, changes_md, run_id, layout, manifest, passage_count)
            store.write_text(report, building / "report.html")
            store.write_text(changes_md, building / "changes.md")
            for future in written:
                future.result()  # a failure is raised when the pool has stopped: nothing is switched in
            csv_ranges = {name: future.result() for name, future in parted_csv.items()}
        changes = pd.concat([docs_changed.assign(kind="document"), figures.assign(kind="figure")], ignore_index=True)
        store.write_csv(changes, building / "changes.csv")
        for part in NEAR_DUPLICATE_PARTS:
            store.write_parquet(getattr(near, part), building / NEAR_DUPLICATES / f"{part}.parquet")
        # where each part's rows are in its CSV, for the next publish to copy them
        state["csv_parts"] = csv_ranges
        store.write_json(state, building / "state.json")
        pruned.result()
        pruning.shutdown()
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
