"""The contract of every published table, declared once with pandera: the grain (what makes a row
unique), each column's meaning and unit, which may be null, and the values accepted. Publish
checks every table before anything is switched in; the tests check the published files; the
workbook's data-dictionary sheet and the README's table list are read from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from pipeline.classify import THEMES
from pipeline.extract.indicators import INDICATOR_TYPES
from pipeline.figures import ROLE_RULES, ROLES, YEAR_RULES


class ContractViolation(ValueError):
    pass


@dataclass(frozen=True)
class Col:
    name: str
    meaning: str
    unit: str = ""
    nullable: bool = True
    accepted: tuple[object, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    grain: tuple[str, ...]
    description: str
    columns: tuple[Col, ...]

    @property
    def schema(self) -> pa.DataFrameSchema:
        columns = {}
        for c in self.columns:
            checks = []
            if c.accepted is not None:
                checks.append(pa.Check.isin(list(c.accepted)))
            if c.minimum is not None:
                checks.append(pa.Check.ge(c.minimum))
            if c.maximum is not None:
                checks.append(pa.Check.le(c.maximum))
            columns[c.name] = pa.Column(
                None,
                checks=checks,
                nullable=c.nullable,
                description=c.meaning,
                title=c.name,
                metadata={"unit": c.unit} if c.unit else None,
            )
        return pa.DataFrameSchema(columns, unique=list(self.grain), name=self.name, description=self.description)


INDICATORS = (*INDICATOR_TYPES, "other")
QUALIFIERS = ("exact", "approx", "at_least", "at_most")
MODALITIES = ("achieved", "planned")
LEVELS = ("central", "provincial", "city", "county")
DOC_ID = Col("doc_id", "document id: the first 16 hex digits of the SHA-256 of the file's bytes", nullable=False)
SOURCE = Col("source", "the document's first file, relative to the input folder", nullable=False)
REGION = (
    Col("province", "province (省/自治区/直辖市) of the document's region"),
    Col("city", "city or prefecture (市/州) of the document's region"),
    Col("county", "county or district (县/区/县级市) of the document's region"),
)
RAW = (
    Col("raw_start", "start offset in the decoded raw file", "characters", nullable=False, minimum=0),
    Col("raw_end", "end offset in the decoded raw file", "characters", nullable=False, minimum=0),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "documents",
            ("doc_id",),
            "one row per readable document (distinct bytes)",
            (
                DOC_ID,
                SOURCE,
                Col("sources", "every file with these bytes (JSON list in CSV)", nullable=False),
                Col("source_url", "the address the document was fetched from"),
                Col("title", "title"),
                Col("published", "publication date", "date"),
                Col("published_text", "publication date as written"),
                Col(
                    "script",
                    "script of the raw text",
                    nullable=False,
                    accepted=("simplified", "traditional", "mixed", "unknown"),
                ),
                Col("quality", "share of characters not garbled", "fraction 0–1", nullable=False, minimum=0, maximum=1),
                Col("flags", "quality flags and stage failures (JSON list in CSV)"),
                Col("outlet", "publishing outlet"),
                Col("author", "author"),
                Col("format", "file format"),
                Col("encoding", "detected encoding"),
                Col("level", "level of the reporting body", accepted=LEVELS),
                Col("level_name", "level, display name"),
                Col("region", "region as 'province / city / county'"),
                *REGION,
                Col("n_chars", "length of the normalized text", "characters", minimum=0),
            ),
        ),
        Table(
            "passages",
            ("doc_id", "passage_id"),
            "one row per kept line of a document",
            (
                DOC_ID,
                SOURCE,
                Col("passage_id", "passage number in the document", nullable=False, minimum=0),
                Col("kind", "title, subtitle, byline, heading, question or body"),
                Col("heading", "heading path above the passage"),
                Col("text", "normalized text", nullable=False),
                *RAW,
                Col("themes", "theme keys (JSON list in CSV)"),
                Col("theme_names", "theme display names (JSON list in CSV)"),
                Col("theme_scores", "score per theme (JSON object in CSV)", "probability 0–1"),
            ),
        ),
        Table(
            "indicators",
            ("doc_id", "raw_start", "raw_end", "indicator"),
            "one row per figure found (a figure both found and resolved gives two rows)",
            (
                DOC_ID,
                SOURCE,
                Col("indicator", "indicator type", nullable=False, accepted=INDICATORS),
                Col("indicator_name", "indicator type, display name", nullable=False),
                Col(
                    "value",
                    "the number, units applied (万 → ×10000); empty when masked",
                    "count, or % for coverage_rate",
                ),
                Col("masked", "the report hides the number (X个)", nullable=False, accepted=(True, False)),
                Col("qualifier", "exact, approx, at_least, at_most", nullable=False, accepted=QUALIFIERS),
                Col("modality", "achieved or planned", nullable=False, accepted=MODALITIES),
                Col("unit", "measure word as written"),
                Col("object", "the counted noun"),
                Col("subject", "who inspected or reported"),
                Col("period", "the period phrase as written"),
                *RAW,
                Col("evidence", "the sentence", nullable=False),
                Col("evidence_raw_start", "sentence start in the raw file", "characters"),
                Col("evidence_raw_end", "sentence end in the raw file", "characters"),
                Col("passage_id", "passage of the sentence"),
                Col("sentence_id", "sentence number in the passage"),
                Col("figure", "the figure as written"),
                Col("role", "total, part (of `parent`) or repeat (a back-reference)", nullable=False, accepted=ROLES),
                Col("parent", "raw_start of the total a part breaks down (same document)", "characters"),
                Col(
                    "role_rule", "the rule that decided the role", nullable=False, accepted=(*ROLE_RULES, "unresolved")
                ),
                Col("year", "year(s) covered: 2025 or 2021-2025; empty when nothing fixes it"),
                Col("year_start", "first year covered", "year"),
                Col("year_end", "last year covered", "year"),
                Col(
                    "year_rule", "the rule that decided the year", nullable=False, accepted=(*YEAR_RULES, "unresolved")
                ),
                Col("source_url", "the address the document was fetched from"),
            ),
        ),
        Table(
            "tokens",
            ("doc_id", "passage_id", "sentence_id", "token_id"),
            "one row per token",
            (
                DOC_ID,
                Col("passage_id", "passage number", nullable=False),
                Col("sentence_id", "sentence number", nullable=False),
                Col("token_id", "token number in the sentence", nullable=False),
                Col("token", "the word", nullable=False),
                Col("pos", "part of speech"),
                *RAW,
            ),
        ),
        Table(
            "mentions",
            ("doc_id", "raw_start", "raw_end", "kind"),
            "one row per body or place named in a passage",
            (
                DOC_ID,
                SOURCE,
                Col("passage_id", "passage number"),
                Col("mention", "the name as written", nullable=False),
                Col(
                    "kind",
                    "inspecting, inspected, discipline, other or place",
                    nullable=False,
                    accepted=("inspecting", "inspected", "discipline", "other", "place"),
                ),
                Col(
                    "level",
                    "bodies: central/provincial/city/county, or any (a body named without its level); "
                    "places: province/city/county",
                    accepted=(*LEVELS, "province", "any"),
                ),
                *RAW,
            ),
        ),
        Table(
            "ingest_errors",
            ("source",),
            "one row per unreadable file",
            (
                SOURCE,
                Col("doc_id", "document id when the bytes could be hashed"),
                Col("format", "file format"),
                Col("n_bytes", "file size", "bytes"),
                Col("error", "why it was skipped", nullable=False),
            ),
        ),
        Table(
            "runs",
            ("run_id",),
            "one row per refresh",
            (
                Col("run_id", "run id (UTC time)", nullable=False),
                Col("started", "start time", "UTC timestamp", nullable=False),
                Col("ended", "end time", "UTC timestamp"),
                Col("documents", "readable documents", "count"),
                Col("processed", "documents processed", "count"),
                Col("published", "whether a snapshot was published"),
                Col("exit_code", "0 ok, 1 partial, 2 fatal, 3 locked"),
            ),
        ),
        Table(
            "reports",
            ("report_id",),
            "one row per report: documents that are reposts, other-script copies or excerpts of one another",
            (
                Col("report_id", "doc_id of the report's fullest version", nullable=False),
                Col("title", "title of that version"),
                Col("published", "its publication date", "date"),
                Col("level", "level of the reporting body", accepted=LEVELS),
                *REGION,
                Col("n_versions", "documents that are this report", "count", nullable=False, minimum=1),
                Col("version_kinds", "repost, other_script, excerpt (JSON list in CSV)"),
                Col("doc_ids", "its documents (JSON list in CSV)", nullable=False),
                Col("sources", "every file of every version (JSON list in CSV)", nullable=False),
                Col("source_urls", "every address (JSON list in CSV)"),
            ),
        ),
        Table(
            "figures",
            ("figure_id",),
            "one row per distinct reported figure (all versions of a report merged; back-references left out)",
            (
                Col("figure_id", "id of the figure (report, sentence, type, position)", nullable=False),
                Col("report_id", "the report", nullable=False),
                *REGION,
                Col("level", "level of the reporting body", accepted=LEVELS),
                Col("published", "publication date of the report", "date"),
                Col("year", "year(s) covered"),
                Col("year_start", "first year covered", "year"),
                Col("year_end", "last year covered", "year"),
                Col("indicator", "indicator type", nullable=False, accepted=INDICATORS),
                Col("indicator_name", "display name", nullable=False),
                Col("value", "the number (primary version's)", "count, or % for coverage_rate"),
                Col("masked", "hidden number", nullable=False, accepted=(True, False)),
                Col("qualifier", "exact, approx, at_least, at_most", nullable=False, accepted=QUALIFIERS),
                Col("modality", "achieved or planned", nullable=False, accepted=MODALITIES),
                Col("role", "total or part", nullable=False, accepted=("total", "part")),
                Col("unit", "measure word"),
                Col("object", "counted noun"),
                Col("evidence", "the sentence (primary version)", nullable=False),
                DOC_ID,
                *RAW,
                SOURCE,
                Col("source_url", "address of the primary version"),
                Col("sources", "files of every version giving it (JSON list in CSV)", nullable=False),
                Col("doc_ids", "documents giving it (JSON list in CSV)", nullable=False),
                Col("n_sources", "files giving it", "count", nullable=False, minimum=1),
                Col("values", "distinct values across versions (JSON list in CSV)"),
                Col("conflict", "versions give different values", nullable=False, accepted=(True, False)),
            ),
        ),
        Table(
            "panel",
            ("province", "city", "county", "year", "indicator"),
            "region × year × indicator: achieved totals of one calendar year, each figure once",
            (
                *REGION,
                Col("year", "calendar year", "year", nullable=False),
                Col("indicator", "indicator type", nullable=False, accepted=INDICATORS),
                Col("indicator_name", "display name", nullable=False),
                Col("value", "sum of the figures (max for rates)", "count, or %", nullable=False),
                Col("aggregate", "sum or max", nullable=False, accepted=("sum", "max")),
                Col("n_figures", "figures added", "count", nullable=False, minimum=1),
                Col("n_reports", "reports they come from", "count", nullable=False, minimum=1),
                Col("figure_ids", "the figures (JSON list in CSV)", nullable=False),
            ),
        ),
    )
}
THEME_KEYS = THEMES


def check_contract(name: str, table: pd.DataFrame) -> None:
    """Raise ContractViolation when `table` breaks its contract (missing columns, nulls, a repeated
    grain, a value not accepted)."""
    contract = TABLES[name]
    missing = [c.name for c in contract.columns if c.name not in table.columns]
    if missing and len(table):
        raise ContractViolation(f"{name}: missing columns {missing}")
    if table.empty:
        return
    table = table.reset_index(drop=True)
    try:
        contract.schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        nulls = sorted({str(c) for c, k in zip(cases["column"], cases["check"], strict=True) if "nullable" in str(k)})
        problems = []
        if nulls:
            problems.append(f"nulls in {nulls}")
        if any("unique" in str(k) for k in cases["check"]):
            dupes = int(table.duplicated(list(contract.grain)).sum())
            problems.append(f"{dupes} rows repeat the grain {contract.grain}")
        other = sorted(
            {
                f"{c}: {k}"
                for c, k in zip(cases["column"], cases["check"], strict=True)
                if "nullable" not in str(k) and "unique" not in str(k)
            }
        )
        if other:
            problems.append("; ".join(other[:5]))
        raise ContractViolation(f"{name}: " + "; ".join(problems)) from None


def data_dictionary() -> pd.DataFrame:
    rows = []
    for t in TABLES.values():
        for c in t.columns:
            rows.append(
                {
                    "table": t.name,
                    "table_grain": ", ".join(t.grain),
                    "table_description": t.description,
                    "column": c.name,
                    "meaning": c.meaning,
                    "unit": c.unit,
                    "not_null": not c.nullable,
                    "in_grain": c.name in t.grain,
                    "accepted_values": ", ".join(map(str, c.accepted)) if c.accepted else "",
                }
            )
    return pd.DataFrame(rows)
