"""Segment: normalized documents → passages (with heading paths), sentences and tokens.

A passage is one kept line of the normalized text (reports put one paragraph on a line).
Headings are recognized by numbering (一、 (一) 1.) or, for news pages, by being a short
line without sentence punctuation. Every level keeps raw offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Protocol

import pandas as pd

from pipeline.textmap import MappedText
from pipeline.words import TaggedToken

CN_NUM = "一二三四五六七八九十"
HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{CN_NUM}]+(部分|章|节)")),
    (1, re.compile(rf"^[{CN_NUM}]+[、.]")),
    (2, re.compile(rf"^[(][{CN_NUM}]+[)]")),
    (3, re.compile(r"^\d{1,2}[、.](?!\d)")),
    (4, re.compile(r"^[(]\d{1,2}[)]")),
]
# A numbered line longer than this is a paragraph whose lead sentence carries the number.
MAX_HEADING_CHARS = 40
# News pages use short unnumbered lines as headings (`坚守政治定位 “政治体检”更加精准`).
MAX_PLAIN_HEADING_CHARS = 30
SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?:：]")
QUESTION = re.compile(r"^(问|记者)\s*[:：]")

SENTENCE_END = set("。！？；!?;")
OPENERS = {"“": "”", "‘": "’", "(": ")", "《": "》", "【": "】", "[": "]"}
CLOSERS = set(OPENERS.values())
# An opener that is never closed must not swallow the rest of a paragraph.
MAX_QUOTED_CHARS = 200


class Tagger(Protocol):
    """Anything that cuts and tags a text: DomainTokenizer (jieba/rjieba) or HanlpTagger."""

    def tag(self, text: str) -> list[TaggedToken]: ...


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def heading_level(line: str) -> int | None:
    """Outline level of a heading line, or None for a body line."""
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(line):
            body_after_number = pattern.sub("", line)
            if len(line) <= MAX_HEADING_CHARS and not re.search(r"[。；!?！？]", body_after_number[:-1]):
                return level
            return None
    if len(line) <= MAX_PLAIN_HEADING_CHARS and not SENTENCE_PUNCT.search(line) and not QUESTION.match(line):
        return 1
    return None


def split_sentences(text: str) -> Iterator[Span]:
    """Sentence spans: split after 。！？；!?; outside quotes and brackets; closers stay attached."""
    start, depth_stack, i, n = 0, [], 0, len(text)
    last_open = 0
    while i < n:
        c = text[i]
        if c in OPENERS:
            depth_stack.append(OPENERS[c])
            last_open = i
        elif depth_stack and c == depth_stack[-1]:
            depth_stack.pop()
        elif c in CLOSERS and c in depth_stack:
            while depth_stack and depth_stack.pop() != c:
                pass
        if depth_stack and i - last_open > MAX_QUOTED_CHARS:
            depth_stack.clear()
        # A quotation that ends its own sentence (“…形成震慑。”) ends the outer one too.
        closes_quote = c in "”’" and not depth_stack and i > 0 and text[i - 1] in SENTENCE_END
        if (c in SENTENCE_END and not depth_stack) or closes_quote:
            j = i + 1
            while j < n and (text[j] in SENTENCE_END or text[j] in "”’)》】"):
                j += 1
            yield Span(start, j)
            start, i = j, j
            continue
        i += 1
    if text[start:].strip():
        yield Span(start, n)


# Joins a passage's heading path, outermost first: "一、工作回顾 / （二）对村巡察".
HEADING_SEPARATOR = " / "
PASSAGE_COLUMNS = [
    "doc_id",
    "source",
    "passage_id",
    "kind",
    "heading",
    "text",
    "raw_start",
    "raw_end",
    "norm_start",
    "norm_end",
]


def _columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """Rows as plain tuples of Python values. `itertuples` builds a namedtuple class and reads every
    column through `iloc` on each call: on one document's small tables that overhead was most of
    the time of `passages`/`sentences`/`tokens` (2.0 s of their 5.4 s on 200 reports)."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def document_maps(documents: pd.DataFrame) -> dict[str, MappedText]:
    """Each document's normalized text with its raw offsets, built once per segment run and passed
    to `passages`, `sentences`, `tokens` and `places.mentions` (each rebuilt it before)."""
    return {
        doc_id: MappedText.of_document(SimpleNamespace(text=text, char_raw_start=starts, char_raw_end=ends))
        for doc_id, text, starts, ends in _columns(documents, "doc_id", "text", "char_raw_start", "char_raw_end")
    }


def _frame(rows: dict[str, list[Any]], columns: list[str]) -> pd.DataFrame:
    """A table from its columns, typed as `pd.DataFrame(list_of_row_dicts, columns=columns)` types it
    (object columns when there are no rows); columns are cheaper to build than a dict per row."""
    if not rows[columns[0]]:
        return pd.DataFrame([], columns=columns)
    return pd.DataFrame(rows, columns=columns)


def passages(documents: pd.DataFrame, lines: pd.DataFrame, maps: dict[str, MappedText] | None = None) -> pd.DataFrame:
    """One row per kept line: kind title/subtitle/byline/heading/question/body, heading path."""
    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in PASSAGE_COLUMNS}
    for doc_id, source in _columns(documents, "doc_id", "source"):
        text = maps[doc_id]
        kept = lines[(lines.doc_id == doc_id) & lines.norm_start.notna()].sort_values("line_no")
        path: dict[int, str] = {}
        pid = -1
        for pid, (kind, a, b) in enumerate(_columns(kept, "kind", "norm_start", "norm_end")):
            a, b = int(a), int(b)
            line_text = text.text[a:b]
            kind = str(kind)
            if kind == "body":
                level = heading_level(line_text)
                if QUESTION.match(line_text):
                    kind = "question"
                elif level is not None:
                    kind = "heading"
                    path = {k: v for k, v in path.items() if k < level}
                    path[level] = line_text
            raw_start, raw_end = text.raw_span(a, b)
            rows["heading"].append(
                HEADING_SEPARATOR.join(path[k] for k in sorted(path))
                if kind != "heading"
                else HEADING_SEPARATOR.join(path[k] for k in sorted(path) if path[k] != line_text)
            )
            for column, value in (
                ("passage_id", pid),
                ("kind", kind),
                ("text", line_text),
                ("raw_start", raw_start),
                ("raw_end", raw_end),
                ("norm_start", a),
                ("norm_end", b),
            ):
                rows[column].append(value)
        rows["doc_id"] += [doc_id] * (pid + 1)
        rows["source"] += [source] * (pid + 1)
    return _frame(rows, PASSAGE_COLUMNS)


SENTENCE_COLUMNS = [
    "doc_id",
    "source",
    "passage_id",
    "sentence_id",
    "text",
    "raw_start",
    "raw_end",
    "norm_start",
    "norm_end",
]


def sentences(
    documents: pd.DataFrame, passage_table: pd.DataFrame, maps: dict[str, MappedText] | None = None
) -> pd.DataFrame:
    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in SENTENCE_COLUMNS}
    for doc_id, source, passage_id, p_text, norm_start in _columns(
        passage_table, "doc_id", "source", "passage_id", "text", "norm_start"
    ):
        text = maps[doc_id]
        for sid, span in enumerate(split_sentences(str(p_text))):
            a, b = int(norm_start) + span.start, int(norm_start) + span.end
            raw_start, raw_end = text.raw_span(a, b)
            for column, value in zip(
                SENTENCE_COLUMNS,
                (doc_id, source, passage_id, sid, text.text[a:b], raw_start, raw_end, a, b),
                strict=True,
            ):
                rows[column].append(value)
    return _frame(rows, SENTENCE_COLUMNS)


TOKEN_COLUMNS = ["doc_id", "passage_id", "sentence_id", "token_id", "token", "pos", "raw_start", "raw_end"]


def tokens(
    documents: pd.DataFrame,
    sentence_table: pd.DataFrame,
    tokenizer: Tagger,
    maps: dict[str, MappedText] | None = None,
) -> pd.DataFrame:
    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in TOKEN_COLUMNS}
    for doc_id, passage_id, sentence_id, s_text, norm_start in _columns(
        sentence_table, "doc_id", "passage_id", "sentence_id", "text", "norm_start"
    ):
        text = maps[doc_id]
        offset = int(norm_start)
        # token_id, not the raw span, identifies a token: characters repaired from one raw span
        # (mojibake, an entity) can give two tokens over the same raw characters.
        tagged = [t for t in tokenizer.tag(str(s_text)) if not t.token.isspace()]
        spans = [text.raw_span(offset + t.start, offset + t.end) for t in tagged]
        rows["doc_id"] += [doc_id] * len(tagged)
        rows["passage_id"] += [passage_id] * len(tagged)
        rows["sentence_id"] += [sentence_id] * len(tagged)
        rows["token_id"] += range(len(tagged))
        rows["token"] += [t.token for t in tagged]
        rows["pos"] += [t.pos for t in tagged]
        rows["raw_start"] += [a for a, _ in spans]
        rows["raw_end"] += [b for _, b in spans]
    return _frame(rows, TOKEN_COLUMNS)
