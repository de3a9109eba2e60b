"""The extract stage: sentences with their section context → indicator rows with evidence."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipeline.extract.indicators import (
    PLAN_HEADING,
    PLAN_PASSAGE_START,
    PLAN_TITLE,
    ROUND_STARTED,
    SUMMARY_TITLE,
    Context,
    Indicator,
    extract_passage,
)
from pipeline.segment import heading_level
from pipeline.textmap import MappedText

INDICATOR_COLUMNS = [
    "doc_id",
    "source",
    "indicator",
    "value",
    "masked",
    "qualifier",
    "modality",
    "unit",
    "object",
    "subject",
    "period",
    "raw_start",
    "raw_end",
    "evidence",
    "evidence_raw_start",
    "evidence_raw_end",
    "passage_id",
    "sentence_id",
    "figure",
]


def passage_contexts(document_title: str | None, passages: pd.DataFrame) -> dict[int, Context]:
    """Context for each passage of one document, in reading order.

    A body passage that opens with a later year and 将 (`2026年,县委巡察办将…`) starts a plan
    block that runs to the next top-level heading: year-end summaries put next year's plan last.
    """
    plan_document = bool(
        document_title and PLAN_TITLE.search(document_title) and not SUMMARY_TITLE.search(document_title)
    )
    round_started = any(ROUND_STARTED.search(str(t)) for t in passages.text)
    contexts: dict[int, Context] = {}
    planned_block = False
    latest_year = 0
    question = ""
    for p in passages.sort_values("passage_id").itertuples(index=False):
        text = str(p.text)
        if p.kind == "heading":
            level = heading_level(text)
            if planned_block and level == 1 and not PLAN_HEADING.search(text):
                planned_block = False
            question = ""
        elif p.kind == "question":
            question = text
        elif p.kind == "body":
            start = PLAN_PASSAGE_START.match(text)
            if start and latest_year and int(start.group(1)) > latest_year:
                planned_block = True
        contexts[int(p.passage_id)] = Context(
            str(p.heading or ""), question, text, planned_block, plan_document, round_started
        )
        years = [int(y) for y in re.findall(r"(20\d\d)年", text)]
        if years and not planned_block:
            latest_year = max(latest_year, *years)
    return contexts


def _row(doc: Any, text: MappedText, sentence: Any, ind: Indicator) -> dict[str, object]:
    """One published row: the figure's raw span, its sentence as evidence."""
    a, b = int(sentence.norm_start) + ind.start, int(sentence.norm_start) + ind.end
    raw_start, raw_end = text.raw_span(a, b)
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "indicator": ind.indicator,
        "value": ind.value,
        "masked": ind.masked,
        "qualifier": ind.qualifier,
        "modality": ind.modality,
        "unit": ind.unit,
        "object": ind.object or None,
        "subject": ind.subject,
        "period": ind.period,
        "raw_start": raw_start,
        "raw_end": raw_end,
        "evidence": str(sentence.text),
        "evidence_raw_start": int(sentence.raw_start),
        "evidence_raw_end": int(sentence.raw_end),
        "passage_id": int(sentence.passage_id),
        "sentence_id": int(sentence.sentence_id),
        "figure": text.text[a:b],
    }


def extract(documents: pd.DataFrame, passages: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator figure (a figure both found and resolved gives two rows)."""
    rows: list[dict[str, object]] = []
    for doc in documents.itertuples(index=False):
        text = MappedText.of_document(doc)
        doc_passages = passages[passages.doc_id == doc.doc_id]
        contexts = passage_contexts(doc.title if isinstance(doc.title, str) else None, doc_passages)
        scorable = set(doc_passages.loc[doc_passages.kind.isin(["body", "heading", "title", "subtitle"]), "passage_id"])
        doc_sentences = sentences[(sentences.doc_id == doc.doc_id) & sentences.passage_id.isin(scorable)]
        for passage_id, group in doc_sentences.groupby("passage_id", sort=True):
            group = group.sort_values("sentence_id")
            per_sentence = extract_passage(group.text.astype(str).tolist(), contexts[int(passage_id)])
            for s, records in zip(group.itertuples(index=False), per_sentence, strict=True):
                rows.extend(_row(doc, text, s, ind) for ind in records)
    table = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    table["value"] = table["value"].astype("float64")
    return table
