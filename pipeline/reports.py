"""Corpus-level tables built at publish from the per-document rows: which documents are one report
(reposts, traditional-script copies, excerpts), one row per distinct reported figure, and the
panel (region × year × indicator) that sums each figure once.

Grouping is incremental (only new documents are looked up, see `group_reports`); the figures and
the panel are recomputed from the grouped rows. A refresh gives the same tables as a full rebuild.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.frames import isin
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
# An excerpt keeps most of its 5-character shingles inside the full report; two different
# reports in the same genre share far fewer (measured on the sample corpora: < 0.2).
CONTAINMENT = 0.7
# Candidates come from an inverted index of a content-defined sample of each document's shingles
# (those whose hash is 0 modulo SAMPLE_EVERY): the same shingles are picked in every copy, so a
# pair's shared samples follow its shared shingles. A pair is a candidate when its shared samples
# reach PREFILTER of the smaller sample set (half the CONTAINMENT, so a true pair is not lost to
# sampling noise), then confirmed on the exact shingle sets. The rule depends on the two texts
# only, which makes a refresh that indexes only new documents give the grouping a full rebuild
# gives. (datasketch's LSH Ensemble was used before: its index is built once over all documents
# and its candidate relation is not symmetric, so it had to be rebuilt at every publish: 10 s of a
# one-report refresh at 2,000 reports.)
SAMPLE_EVERY = 4
PREFILTER = 0.35


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 5-character shingles of the text (punctuation and spaces dropped), each as a
    32-bit polynomial hash computed with numpy: the same set for a repost, whatever its layout."""
    compact = re.sub(r"[\s\W_]+", "", text)
    if not compact:
        return np.empty(0, dtype=np.uint32)
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.pad(codes, (0, SHINGLE - len(codes)))
    windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE)
    powers = np.array([pow(1_000_003, k, 1 << 64) for k in range(SHINGLE - 1, -1, -1)], dtype=np.uint64)
    with np.errstate(over="ignore"):
        hashes = (windows * powers).sum(axis=1, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    return np.unique(hashes.astype(np.uint32))


def shingle_sample(shingles: np.ndarray) -> np.ndarray:
    return shingles[shingles % SAMPLE_EVERY == 0]


SAMPLE_COLUMNS = ["doc_id", "sample"]
EDGE_COLUMNS = ["a", "b"]
GROUP_COLUMNS = ["doc_id", "report_id", "is_primary", "n_versions", "containment", "n_shingles"]


@dataclass
class NearDuplicates:
    """What grouping needs to carry from one publish to the next: each document's sampled
    shingles, the confirmed pairs (a < b) and the groups with each member's containment."""

    samples: pd.DataFrame
    edges: pd.DataFrame
    groups: pd.DataFrame

    @classmethod
    def empty(cls) -> NearDuplicates:
        return cls(
            pd.DataFrame(columns=SAMPLE_COLUMNS).astype({"sample": "uint32"}),
            pd.DataFrame(columns=EDGE_COLUMNS),
            pd.DataFrame(columns=GROUP_COLUMNS),
        )


def group_reports(
    doc_ids: list[str],
    shingles_of: Callable[[list[str]], dict[str, np.ndarray]],
    fresh: set[str] | None = None,
    previous: NearDuplicates | None = None,
) -> NearDuplicates:
    """Documents whose text lies (to CONTAINMENT) inside another's are one report (the connected
    pairs), whose id is its longest document's doc_id (the fullest version). `shingles_of` gives the
    shingle sets of the documents asked for (read from their texts).

    With `previous`, only `fresh` documents are looked up, with the members of any earlier group
    that lost or changed a document (their pairs may have held the group together); the other
    groups keep their pairs. A pair already joined through others is not confirmed again, so the
    kept pairs connect each group without being all of its pairs: that is why a group that loses a
    member is looked up again. The groups are those a full rebuild finds."""
    from scipy import sparse

    previous = previous or NearDuplicates.empty()
    present = sorted(set(doc_ids))
    fresh = set(present) if fresh is None else fresh & set(present)
    kept = set(present) - fresh
    old_groups = previous.groups.groupby("report_id").doc_id.agg(list) if len(previous.groups) else pd.Series()
    relook = set(fresh)
    for old_members in old_groups:
        if not kept.issuperset(old_members):
            relook.update(kept.intersection(old_members))
    cache: dict[str, np.ndarray] = {}

    def sets(ids: Iterable[str]) -> dict[str, np.ndarray]:
        missing = sorted({d for d in ids if d not in cache})
        if missing:
            cache.update(shingles_of(missing))
        return cache

    # The samples' doc_id is a category over the present documents: the kept rows are recoded from
    # the previous categories, not hashed again as 2.5 million strings (bench, 10,000 reports).
    index = pd.Index(present)
    fresh_sets = sets(fresh)
    picked = {d: shingle_sample(fresh_sets[d]) for d in sorted(fresh)}
    old = pd.Categorical(previous.samples.doc_id)
    old_codes = np.append(index.get_indexer(old.categories), -1)[old.codes]  # gone: -1
    is_fresh = index.isin(fresh)
    kept_rows = (old_codes >= 0) & ~is_fresh[old_codes]
    codes = np.concatenate(
        [old_codes[kept_rows], np.repeat(index.get_indexer(list(picked)), [len(v) for v in picked.values()])]
    ).astype(np.int32)
    values = np.concatenate(
        [previous.samples["sample"].to_numpy(np.uint32)[kept_rows], np.empty(0, np.uint32), *picked.values()]
    )
    # Kept documents' rows as they were, then the fresh ones: not sorted, as nothing reads them in
    # order (sorting 2.5 million rows took 0.5 s of every publish at 10,000 bench reports).
    samples = pd.DataFrame({"doc_id": pd.Categorical.from_codes(codes, categories=present), "sample": values})
    steady = kept - relook
    edges = previous.edges[isin(previous.edges.a, steady) & isin(previous.edges.b, steady)]
    # Union-find over the documents' positions in `present`.
    parent = list(range(len(present)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    position = {d: k for k, d in enumerate(present)}
    for a, b in zip(edges.a, edges.b, strict=True):
        parent[find(position[a])] = find(position[b])
    confirmed = []
    n_samples = np.bincount(codes, minlength=len(present))
    wanted = np.flatnonzero(index.isin(relook))
    if 0 < len(wanted) < len(present):
        # Only rows holding a sample of a looked-up document can count towards its pairs: the
        # matrix is built over those (a one-report refresh built it over all 2.5 million).
        near = pd.Series(values).isin(values[np.isin(codes, wanted)]).to_numpy()
        codes, values = codes[near], values[near]
    if len(wanted) and len(codes):
        # Shared samples of every looked-up document with every document: one sparse product.
        col, _ = pd.factorize(values)
        matrix = sparse.csr_matrix((np.ones(len(codes), np.int32), (codes, col)), shape=(len(present), col.max() + 1))
        # Each chunk's candidate pairs are confirmed before the next chunk is multiplied: a pair
        # already joined through others is skipped, so the pairs are never all held at once (the
        # 10,000 bench reports, 14 texts in 700 versions each, gave 3 million candidate pairs).
        # The groups are the connected pairs, whatever the order they are confirmed in.
        for chunk in np.array_split(wanted, max(1, len(wanted) // 256)):
            # When every document is looked up, each pair is found from its first document: the
            # chunk is multiplied with the documents from its own on (half the product).
            first = int(chunk[0]) if len(wanted) == len(present) else 0
            shared = (matrix[chunk] @ matrix[first:].T).tocoo()
            i, j = chunk[shared.row], shared.col + first
            keep = (i != j) & (shared.data >= np.maximum(1, PREFILTER * np.minimum(n_samples[i], n_samples[j])))
            # Pairs already joined when the chunk starts are dropped at once: in a full build of
            # the bench corpus they were 13 million of the candidates, each asked in Python.
            roots = _roots(parent)
            keep &= roots[i] != roots[j]
            for i_, j_ in sorted(
                set(zip(np.minimum(i, j)[keep].tolist(), np.maximum(i, j)[keep].tolist(), strict=True))
            ):
                if find(i_) == find(j_):
                    continue
                a, b = present[i_], present[j_]
                exact = sets((a, b))
                if _shared(exact[a], exact[b]) >= CONTAINMENT * min(len(exact[a]), len(exact[b])):
                    parent[find(i_)] = find(j_)
                    confirmed.append((a, b))
    edges = pd.concat([edges, pd.DataFrame(confirmed, columns=EDGE_COLUMNS)], ignore_index=True)
    edges = edges.sort_values(EDGE_COLUMNS).reset_index(drop=True)
    members: dict[int, list[str]] = {}
    for k, d in enumerate(present):
        members.setdefault(find(k), []).append(d)
    return NearDuplicates(samples, edges, _groups(list(members.values()), fresh, previous.groups, sets))


def _roots(parent: list[int]) -> np.ndarray:
    """Every position's root in the union-find, by pointer jumping over the whole array."""
    roots = np.asarray(parent)
    while True:
        jumped = roots[roots]
        if np.array_equal(jumped, roots):
            return roots
        roots = jumped


def _shared(a: np.ndarray, b: np.ndarray) -> int:
    return len(np.intersect1d(a, b, assume_unique=True))


def _containment(version: np.ndarray, main: np.ndarray) -> float:
    return round(_shared(version, main) / len(version), 3) if len(version) else 1.0


def _groups(
    members: list[list[str]],
    fresh: set[str],
    before: pd.DataFrame,
    sets: Callable[[Iterable[str]], dict[str, np.ndarray]],
) -> pd.DataFrame:
    # A group with the same members as before, none of them new, keeps its rows. In a group that
    # changed, a kept member's size is its stored n_shingles, and its containment stands when it was
    # measured against the same main document: only the new members' and the main's texts are read
    # (a report joining a group of 700 versions read all 700 texts, 4 s at 10,000 reports).
    # (A corpus of singletons has as many groups as documents: the unchanged ones are taken over in
    # one filter, not as a frame each.)
    report_of = dict(zip(before.doc_id, before.report_id, strict=True)) if len(before) else {}
    old_sizes = before.report_id.value_counts().to_dict() if len(before) else {}
    known = (
        before[~isin(before.doc_id, fresh)].set_index("doc_id") if len(before) else pd.DataFrame(columns=GROUP_COLUMNS)
    )
    unchanged: list[str] = []
    rows: dict[str, list[object]] = {c: [] for c in GROUP_COLUMNS}
    for group in members:
        old_report = report_of.get(group[0])
        if (
            old_report is not None
            and old_sizes[old_report] == len(group)
            and not fresh.intersection(group)
            and all(report_of.get(d) == old_report for d in group)
        ):
            unchanged.extend(group)
            continue
        stored = [d for d in group if d in known.index]
        size = {d: int(known.at[d, "n_shingles"]) for d in stored}
        exact = sets(d for d in group if d not in size)
        size.update({d: len(exact[d]) for d in group if d not in size})
        main = max(group, key=lambda d: (size[d], d))
        # (a main document read afresh may have a new text: then every member is measured again)
        measured = (
            {d: float(known.at[d, "containment"]) for d in stored if known.at[d, "report_id"] == main}
            if main in known.index
            else {}
        )
        exact = sets([main, *(d for d in group if d not in measured)])
        for d in group:
            rows["doc_id"].append(d)
            rows["report_id"].append(main)
            rows["is_primary"].append(d == main)
            rows["n_versions"].append(len(group))
            rows["containment"].append(measured[d] if d in measured else _containment(exact[d], exact[main]))
            rows["n_shingles"].append(size[d])
    parts = [df for df in (before[isin(before.doc_id, unchanged)], pd.DataFrame(rows)) if len(df)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=GROUP_COLUMNS)
    return table.sort_values("doc_id").reset_index(drop=True)


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


# The figures table's row order (a refresh that keeps some reports' rows sorts them in the same way).
FIGURE_ORDER = ["report_id", "doc_id", "raw_start", "raw_end", "indicator"]


def sentence_keys(evidence: pd.Series) -> pd.Series:
    """Each evidence sentence without its digits, punctuation and spaces: the same sentence in two
    versions of a report, whatever their figures. Arrow's RE2 over the whole column: Python's re,
    row by row, took 1.2 s of every publish at 10,000 bench reports (170,000 rows), this 0.2 s.
    Letters and the numbers that are not decimal digits (〇, ½) stay, as Python's `\\w` less `\\d`."""
    column = pc.fill_null(pa.array(evidence.astype("str")), "")
    return pd.Series(
        pc.replace_substring_regex(column, r"[^\p{L}\p{Nl}\p{No}]+", ""), index=evidence.index, dtype="str"
    )


def figures_table(indicators: pd.DataFrame, documents: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct figure a report gives: the rows of every version of the report that
    stand in the same sentence (numbers aside) as the same n-th figure of a type are one figure.
    Back-references (`role` repeat) are not figures of their own. `conflict` is set where the
    versions give different values; the primary version's value is kept. Built with whole-column
    operations: a loop over figures took 5.7 s at 34,000 rows."""
    if indicators.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    rows = indicators[indicators.role.fillna("total") != "repeat"].copy()
    rows = rows.merge(groups[["doc_id", "report_id", "is_primary"]], on="doc_id", how="left")
    rows["sentence_key"] = sentence_keys(rows.evidence)
    rows = rows.sort_values(["doc_id", "raw_start", "raw_end", "indicator"], kind="stable")
    rows["nth"] = rows.groupby(["doc_id", "sentence_key", "indicator"]).cumcount()
    key = ["report_id", "sentence_key", "indicator", "nth"]
    # Within a figure, the primary version's row first, then by doc_id: that row is the figure.
    rows = rows.sort_values([*key, "is_primary", "doc_id"], ascending=[*[True] * 4, False, True], kind="stable")
    rows["figure"] = rows.groupby(key, sort=False).ngroup()
    first = rows.drop_duplicates("figure").set_index("figure")
    sources_of = dict(zip(documents.doc_id, documents.sources, strict=True))
    by_figure = rows.groupby("figure", sort=False)
    doc_ids = by_figure.doc_id.agg(lambda d: sorted(set(d)))
    values = by_figure.value.agg(lambda v: sorted({float(x) for x in v.dropna()}))
    masked_mixed = by_figure.masked.agg(lambda m: bool(m.any() and not m.all()))
    sources = doc_ids.map(lambda ds: sorted({s for d in ds for s in sources_of.get(d, [])}))
    doc = documents.set_index("doc_id")
    table = pd.DataFrame(
        {
            "figure_id": [
                hashlib.sha256("|".join(map(str, k)).encode()).hexdigest()[:16]
                for k in first[key].itertuples(index=False)
            ],
            "report_id": first.report_id,
            **{col: first.doc_id.map(doc[col]) for col in ("province", "city", "county", "level", "published")},
            "year": first.year.where(first.year.map(lambda y: isinstance(y, str)), ""),
            "year_start": first.year_start,
            "year_end": first.year_end,
            "indicator": first.indicator,
            "indicator_name": first.indicator.map(lambda k: INDICATOR_NAMES.get(str(k), str(k))),
            "value": first.value,
            "masked": first.masked.astype(bool),
            "qualifier": first.qualifier,
            "modality": first.modality,
            "role": first.role.where(first.role.map(lambda r: isinstance(r, str)), "total"),
            "unit": first.unit,
            "object": first.object,
            "evidence": first.evidence,
            "doc_id": first.doc_id,
            "raw_start": first.raw_start.astype(int),
            "raw_end": first.raw_end.astype(int),
            "source": first.doc_id.map(doc["source"]),
            "source_url": first.doc_id.map(doc["source_url"]),
            "sources": sources,
            "doc_ids": doc_ids,
            "n_sources": sources.map(len),
            "values": values,
            "conflict": (values.map(len) > 1) | masked_mixed,
        },
        columns=FIGURE_COLUMNS,
    )
    for col in ("year_start", "year_end"):
        table[col] = table[col].astype("Int64")
    return table.sort_values(FIGURE_ORDER, kind="stable").reset_index(drop=True)


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
