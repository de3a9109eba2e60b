"""Corpus-level tables built at publish from the per-document rows: which documents are one report
(reposts, traditional-script copies, excerpts), one row per distinct reported figure, and the
panel (region × year × indicator) that sums each figure once.

They are recomputed whole at every publish (they depend on the whole corpus), so a refresh gives
the same tables as a full rebuild.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pipeline.names import INDICATOR_NAMES

# --- region and date columns ---------------------------------------------------------------------

REGION_RANKS = ("province", "city", "county")
_PROVINCE = re.compile(r"(省|自治区|特别行政区)$")
_CITY = re.compile(r"(市|州|盟|地区)$")
_COUNTY = re.compile(r"(县|区|旗)$")
LEVEL_RANK = {"provincial": "province", "city": "city", "county": "county"}


def region_columns(region: object, level: object) -> tuple[str | None, str | None, str | None]:
    """'四川省 / 广元市 / 青川县' → the three columns; a lone name goes where its suffix (or, for a
    bare name such as 青崖, the document's level) puts it. A county-level 市 after a city stays a county."""
    out: dict[str, str | None] = dict.fromkeys(REGION_RANKS)
    if not isinstance(region, str) or not region.strip():
        return None, None, None
    parts = [p.strip() for p in region.split("/") if p.strip()]
    for i, part in enumerate(parts):
        if _PROVINCE.search(part):
            rank = "province"
        elif _COUNTY.search(part) or (i > 0 and out["city"] and _CITY.search(part)):
            rank = "county"
        elif _CITY.search(part) and not (len(parts) == 1 and level == "county"):
            rank = "city"
        elif _CITY.search(part):
            rank = "county"  # a county-level city (桐川市 in a county-level report)
        else:
            rank = LEVEL_RANK.get(str(level), "province" if len(parts) > 1 and i == 0 else "city")
        if out[rank] is None:
            out[rank] = part
    return out["province"], out["city"], out["county"]


def published_dates(values: pd.Series) -> pd.Series:
    """The `published` text (2025-09-18, 2025年9月18日, 2025/9/18 10:20) as a date; unknown stays empty."""

    def one(v: object) -> str | None:
        if not isinstance(v, str):
            return None
        m = re.search(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", v)
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None

    return pd.to_datetime(values.map(one), errors="coerce", format="%Y-%m-%d")


# --- one report, several documents ---------------------------------------------------------------

SHINGLE = 5
NUM_PERM = 128
# An excerpt keeps most of its 5-character shingles inside the full report; two different
# reports in the same genre share far fewer (measured on the sample corpora: < 0.2).
CONTAINMENT = 0.7


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 5-character shingles of the text (punctuation and spaces dropped), each as a
    32-bit polynomial hash computed with numpy: the same set for a repost, whatever its layout."""
    compact = re.sub(r"[\s\W_]+", "", text)
    if not compact:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.pad(codes, (0, SHINGLE - len(codes)))
    windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE)
    powers = np.array([pow(1_000_003, k, 1 << 64) for k in range(SHINGLE - 1, -1, -1)], dtype=np.uint64)
    with np.errstate(over="ignore"):
        hashes = (windows * powers).sum(axis=1, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    return np.unique(hashes)


def group_reports(texts: dict[str, str], order: Iterable[str] | None = None) -> pd.DataFrame:
    """doc_id → report_id: documents whose text lies (to CONTAINMENT) inside another's are one
    report. Candidates come from datasketch's MinHash LSH Ensemble (containment search); each
    candidate pair is confirmed on the exact shingle sets. The report's id is its longest
    document's doc_id (the fullest version)."""
    from datasketch import MinHash, MinHashLSHEnsemble

    doc_ids = list(order) if order is not None else sorted(texts)
    sets = {d: shingle_hashes(texts.get(d, "")) for d in doc_ids}
    parent = {d: d for d in doc_ids}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    def shared(a: str, b: str) -> int:
        return len(np.intersect1d(sets[a], sets[b], assume_unique=True))

    nonempty = [d for d in doc_ids if len(sets[d])]
    if len(nonempty) > 1:
        hashes = {}
        for d in nonempty:
            m = MinHash(num_perm=NUM_PERM, hashfunc=int)
            m.update_batch(sets[d].tolist())
            hashes[d] = m
        lsh = MinHashLSHEnsemble(threshold=CONTAINMENT, num_perm=NUM_PERM, num_part=8)
        lsh.index([(d, hashes[d], len(sets[d])) for d in nonempty])
        for d in nonempty:
            for other in map(str, lsh.query(hashes[d], len(sets[d]))):
                if other == d or find(other) == find(d):
                    continue
                if shared(d, other) >= CONTAINMENT * min(len(sets[d]), len(sets[other])):
                    parent[find(d)] = find(other)
    groups: dict[str, list[str]] = {}
    for d in doc_ids:
        groups.setdefault(find(d), []).append(d)
    rows = []
    for members in groups.values():
        main = max(members, key=lambda d: (len(sets[d]), d))
        for d in members:
            rows.append(
                {
                    "doc_id": d,
                    "report_id": main,
                    "is_primary": d == main,
                    "n_versions": len(members),
                    "containment": round(shared(d, main) / len(sets[d]), 3) if len(sets[d]) else 1.0,
                }
            )
    return pd.DataFrame(rows, columns=["doc_id", "report_id", "is_primary", "n_versions", "containment"])


def reports_table(documents: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per report: its primary document's metadata, every version and source."""
    if documents.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    docs = documents.merge(groups, on="doc_id", how="left")
    rows = []
    for report_id, part in docs.groupby("report_id", sort=True):
        main = part[part.doc_id == report_id].iloc[0]
        versions = part.sort_values("doc_id")
        kinds = sorted({_version_kind(v, main) for v in versions.itertuples() if v.doc_id != report_id})
        rows.append(
            {
                "report_id": report_id,
                "title": main.title,
                "published": main.published,
                "level": main.level,
                "province": main.province,
                "city": main.city,
                "county": main.county,
                "n_versions": len(versions),
                "version_kinds": kinds,
                "doc_ids": versions.doc_id.tolist(),
                "sources": sorted(s for ss in versions.sources for s in ss),
                "source_urls": sorted({u for u in versions.source_url if isinstance(u, str)}),
            }
        )
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _version_kind(version: object, main: object) -> str:
    if getattr(version, "containment", 1.0) < 0.95 or getattr(version, "n_chars", 0) < 0.8 * (
        getattr(main, "n_chars", 0) or 0
    ):
        return "excerpt"
    if getattr(version, "script", "") != getattr(main, "script", ""):
        return "other_script"
    return "repost"


REPORT_COLUMNS = [
    "report_id",
    "title",
    "published",
    "level",
    "province",
    "city",
    "county",
    "n_versions",
    "version_kinds",
    "doc_ids",
    "sources",
    "source_urls",
]

# --- distinct figures ------------------------------------------------------------------------------

FIGURE_COLUMNS = [
    "figure_id",
    "report_id",
    "province",
    "city",
    "county",
    "level",
    "published",
    "year",
    "year_start",
    "year_end",
    "indicator",
    "indicator_name",
    "value",
    "masked",
    "qualifier",
    "modality",
    "role",
    "unit",
    "object",
    "evidence",
    "doc_id",
    "raw_start",
    "raw_end",
    "source",
    "source_url",
    "sources",
    "doc_ids",
    "n_sources",
    "values",
    "conflict",
]


def _sentence_key(evidence: object) -> str:
    text = re.sub(r"[\d.,，]+", "#", str(evidence or ""))
    return re.sub(r"[\s\W_]+", "", text)


def figures_table(indicators: pd.DataFrame, documents: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct figure a report gives: the rows of every version of the report that
    stand in the same sentence (numbers aside) as the same n-th figure of a type are one figure.
    Back-references (`role` repeat) are not figures of their own. `conflict` is set where the
    versions give different values; the primary version's value is kept."""
    if indicators.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    rows = indicators[indicators.role.fillna("total") != "repeat"].copy()
    rows = rows.merge(groups[["doc_id", "report_id", "is_primary"]], on="doc_id", how="left")
    rows["sentence_key"] = rows.evidence.map(_sentence_key)
    rows = rows.sort_values(["doc_id", "raw_start", "raw_end", "indicator"], kind="stable")
    rows["nth"] = rows.groupby(["doc_id", "sentence_key", "indicator"]).cumcount()
    docs = documents.set_index("doc_id")
    out = []
    for key, part in rows.groupby(["report_id", "sentence_key", "indicator", "nth"], sort=False):
        part = part.sort_values(["is_primary", "doc_id"], ascending=[False, True])
        main = part.iloc[0]
        doc = docs.loc[main.doc_id]
        values = sorted({float(v) for v in part.value.dropna()})
        sources = sorted({s for d in part.doc_id for s in docs.at[d, "sources"]})
        digest = hashlib.sha256("|".join(map(str, key)).encode()).hexdigest()[:16]
        out.append(
            {
                "figure_id": digest,
                "report_id": main.report_id,
                "province": doc.province,
                "city": doc.city,
                "county": doc.county,
                "level": doc.level,
                "published": doc.published,
                "year": main.year if isinstance(main.year, str) else "",
                "year_start": main.year_start,
                "year_end": main.year_end,
                "indicator": main.indicator,
                "indicator_name": INDICATOR_NAMES.get(str(main.indicator), str(main.indicator)),
                "value": main.value,
                "masked": bool(main.masked),
                "qualifier": main.qualifier,
                "modality": main.modality,
                "role": main.role if isinstance(main.role, str) else "total",
                "unit": main.unit,
                "object": main.object,
                "evidence": main.evidence,
                "doc_id": main.doc_id,
                "raw_start": int(main.raw_start),
                "raw_end": int(main.raw_end),
                "source": doc.source,
                "source_url": doc.source_url,
                "sources": sources,
                "doc_ids": sorted(set(part.doc_id)),
                "n_sources": len(sources),
                "values": values,
                "conflict": len(values) > 1 or (part.masked.any() and not part.masked.all()),
            }
        )
    table = pd.DataFrame(out, columns=FIGURE_COLUMNS)
    for col in ("year_start", "year_end"):
        table[col] = table[col].astype("Int64")
    return table.sort_values(["report_id", "doc_id", "raw_start", "indicator"]).reset_index(drop=True)


# --- the panel -------------------------------------------------------------------------------------

PANEL_COLUMNS = [
    "province",
    "city",
    "county",
    "year",
    "indicator",
    "indicator_name",
    "value",
    "aggregate",
    "n_figures",
    "n_reports",
    "figure_ids",
]
# Rates are not added up: the panel keeps the highest one reported for the place and year.
RATE_INDICATORS = ("coverage_rate",)


def panel_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Region × year × indicator: totals only (no breakdowns, no back-references), achieved only,
    one calendar year, a value given. The same figure given by two different reports about the
    same place and year (same value) counts once."""
    if figures.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    f = figures[
        (figures.role == "total")
        & (figures.modality == "achieved")
        & ~figures.masked
        & figures.value.notna()
        & figures.year_start.notna()
        & (figures.year_start == figures.year_end)
    ].copy()
    if f.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    f["year"] = f.year_start.astype(int)
    place = ["province", "city", "county"]
    for col in place:
        f[col] = f[col].astype(object).where(f[col].notna(), "")
    f = f.sort_values(["published", "figure_id"], na_position="last")
    f = f.drop_duplicates([*place, "year", "indicator", "value"])
    rows = []
    for (province, city, county, year, indicator), part in f.groupby([*place, "year", "indicator"], sort=True):
        rate = indicator in RATE_INDICATORS
        rows.append(
            {
                "province": province or None,
                "city": city or None,
                "county": county or None,
                "year": int(year),
                "indicator": indicator,
                "indicator_name": INDICATOR_NAMES.get(str(indicator), str(indicator)),
                "value": float(part.value.max() if rate else part.value.sum()),
                "aggregate": "max" if rate else "sum",
                "n_figures": len(part),
                "n_reports": part.report_id.nunique(),
                "figure_ids": sorted(part.figure_id),
            }
        )
    return pd.DataFrame(rows, columns=PANEL_COLUMNS)
